package switchyard.math.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Save → bytes → restore into a fresh optimizer must continue exactly like an uninterrupted run. */
class ResumeTest {

    private static final int BEFORE = 7;
    private static final int AFTER = 11;

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", (Supplier<Optimizer>) () -> new Sgd(0.05)),
                Arguments.of("sgd momentum+wd", (Supplier<Optimizer>) () -> new Sgd(new Sgd.Config(0.05, 0.9, 1e-3, false))),
                Arguments.of("sgd nesterov", (Supplier<Optimizer>) () -> new Sgd(new Sgd.Config(0.05, 0.8, 0, true))),
                Arguments.of("adam", (Supplier<Optimizer>) () -> new Adam(0.01)),
                Arguments.of("adam l2", (Supplier<Optimizer>) () -> new Adam(new Adam.Config(0.01, 0.8, 0.99, 1e-6, 1e-2, false))),
                Arguments.of("adamw", (Supplier<Optimizer>) () -> new Adam(Adam.Config.adamW(0.01, 0.1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void resumedRunIsBitIdentical(String name, Supplier<Optimizer> factory) throws IOException {
        List<Param> straight = params();
        Optimizer uninterrupted = factory.get();
        run(uninterrupted, straight, 0, BEFORE + AFTER);

        List<Param> first = params();
        Optimizer before = factory.get();
        run(before, first, 0, BEFORE);
        byte[] saved = bytes(before.state());

        List<Param> reloaded = TestParams.copies(first);
        Optimizer after = factory.get();
        after.restore(OptimizerState.readFrom(new DataInputStream(new ByteArrayInputStream(saved))), reloaded);
        run(after, reloaded, BEFORE, AFTER);

        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i).value().data, reloaded.get(i).value().data, name + " " + straight.get(i).name());
        }
        assertEquals(uninterrupted.state(), after.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void optimizersCanBeRebuiltFromStateAlone(String name, Supplier<Optimizer> factory) throws IOException {
        List<Param> params = params();
        Optimizer original = factory.get();
        run(original, params, 0, BEFORE);
        OptimizerState state = OptimizerState.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes(original.state()))));
        Optimizer rebuilt = Optimizers.restored(state);
        assertEquals(original.describe(), rebuilt.describe());
        assertEquals(original.state(), rebuilt.state());
    }

    private static List<Param> params() {
        List<Param> params = List.of(TestParams.matrix("expert0.W1", 3, 5), TestParams.matrix("expert0.b1", 1, 5));
        Quadratic.initialise(params);
        return params;
    }

    private static void run(Optimizer opt, List<Param> params, int from, int steps) {
        for (int t = from; t < from + steps; t++) {
            Quadratic.gradient(params, t, 0.3f);
            opt.step(params);
        }
    }

    static byte[] bytes(OptimizerState state) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        state.writeTo(new DataOutputStream(buf));
        return buf.toByteArray();
    }
}
