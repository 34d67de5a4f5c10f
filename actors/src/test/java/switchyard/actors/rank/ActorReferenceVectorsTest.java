package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCases;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.transport.Transport;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.reference.ReferenceResult;
import switchyard.math.reference.Tolerances;
import switchyard.math.linalg.MatMuls;
import switchyard.math.precision.ExpertKernels;
import switchyard.math.precision.Precision;
import switchyard.math.testing.OracleRun;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every reference case through W rank actors in one ActorSystem: the real scatter/gather
 * exchange, gate actors and backward routes. Directory from {@code -Dswitchyard.vectors}.
 */
class ActorReferenceVectorsTest {
    static final ActorTestKit kit = ActorTestKit.create("vectors");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @Test
    void theDirectoryHoldsCases() {
        assertFalse(ReferenceCases.all().isEmpty(), "no reference case in " + ReferenceCases.directory());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void rankActorsMatchTheReference(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, VectorRun.run(kit, c));
    }

    /**
     * With {@code --precision bf16} the rank actors compute exactly what the oracle computes with the
     * same kernels (float32 router, bfloat16 expert operands), bit for bit; the oracle is held to
     * the vectors at the bfloat16 tolerance in math.
     */
    @ParameterizedTest(name = "{0} in bf16")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void rankActorsInBf16AreTheOracleInBf16(String name, ReferenceCase c) {
        assertActorsAreTheOracle(name, c, VectorSettings.of(c).withPrecision(Precision.BF16));
    }

    /**
     * With {@code --wire bf16} every exchanged row is rounded where it leaves its rank; the oracle
     * rounds the same rows ({@code MoeLayer.roundRowsToBf16}), so again bit for bit. Parts are split
     * small so that rounding per part is exercised too.
     */
    @ParameterizedTest(name = "{0} with bf16 rows")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void rankActorsWithBf16RowsAreTheOracleWithBf16Rows(String name, ReferenceCase c) {
        ExchangeSettings split = new ExchangeSettings(2L * 2 * c.dModel(), 0, Transport.DATA_PLANE, RowEncoding.BF16);
        assertActorsAreTheOracle(name, c, VectorSettings.of(c).withExchange(split));
    }

    private static void assertActorsAreTheOracle(String name, ReferenceCase c, RankSettings settings) {
        ReferenceResult actors = VectorRun.run(kit, settings, c);
        ReferenceResult oracle = OracleRun.run(c, MatMuls.byName(settings.matmul()),
                ExpertKernels.byName(settings.matmul(), settings.precision()), settings.exchange().rows() == RowEncoding.BF16);
        for (int r = 0; r < c.worldSize(); r++) {
            assertArrayEquals(oracle.ranks().get(r).output().data, actors.ranks().get(r).output().data, name + " rank " + r + " output");
            assertArrayEquals(oracle.ranks().get(r).gradInput().data, actors.ranks().get(r).gradInput().data, name + " rank " + r + " grad_input");
            assertArrayEquals(oracle.ranks().get(r).gradGateWeight().data, actors.ranks().get(r).gradGateWeight().data, name + " rank " + r + " gate grad");
        }
        for (int e = 0; e < c.numExperts(); e++) {
            assertArrayEquals(oracle.expertGrads().get(e).w1().data, actors.expertGrads().get(e).w1().data, name + " expert " + e + " grad W1");
            assertArrayEquals(oracle.expertGrads().get(e).w2().data, actors.expertGrads().get(e).w2().data, name + " expert " + e + " grad W2");
        }
        ReferenceCheck.assertMatches(c, actors, Tolerances.BF16_RELU_SWITCHED);
    }
}
