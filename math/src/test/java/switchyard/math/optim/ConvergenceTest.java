package switchyard.math.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConvergenceTest {

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", (Supplier<Optimizer>) () -> new Sgd(0.5), 200),
                Arguments.of("sgd momentum", (Supplier<Optimizer>) () -> new Sgd(new Sgd.Config(0.1, 0.9, 0, false)), 300),
                Arguments.of("sgd nesterov", (Supplier<Optimizer>) () -> new Sgd(new Sgd.Config(0.1, 0.9, 0, true)), 300),
                Arguments.of("adam", (Supplier<Optimizer>) () -> new Adam(0.05), 2000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void minimisesAQuadratic(String name, Supplier<Optimizer> factory, int steps) {
        List<Param> params = List.of(TestParams.matrix("w", 3, 4), TestParams.matrix("b", 1, 4));
        Quadratic.initialise(params);
        Optimizer opt = factory.get();
        float start = Quadratic.maxDistanceToOptimum(params);
        for (int t = 0; t < steps; t++) {
            Quadratic.gradient(params, t, 0);
            opt.step(params);
        }
        float end = Quadratic.maxDistanceToOptimum(params);
        assertTrue(end < 1e-3f, name + ": distance " + start + " → " + end);
    }
}
