package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCases;
import switchyard.math.reference.ReferenceCheck;


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
}
