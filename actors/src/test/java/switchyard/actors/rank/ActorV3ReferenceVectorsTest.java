package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.reference.v3.V3Cases;
import switchyard.math.reference.v3.V3Check;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every DeepSeek-V3-class reference case through W rank actors in one ActorSystem: shared experts
 * on each rank, the selection bias and its update through the update message, group-limited and
 * expert-choice routing over the real exchange. Directory from {@code -Dswitchyard.vectors.v3}.
 */
class ActorV3ReferenceVectorsTest {
    static final ActorTestKit kit = ActorTestKit.create("v3-vectors");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @Test
    void theDirectoryHoldsCases() {
        assertFalse(V3Cases.all().isEmpty(), "no reference case in " + V3Cases.directory());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.v3.V3Cases#arguments")
    void rankActorsMatchTheReference(String name, V3Case c) {
        RankHarness h = new RankHarness(kit, V3VectorRun.settings(c));
        V3Check.assertMatches(c, V3VectorRun.drive(h.ranks, h.driver, c));
    }
}
