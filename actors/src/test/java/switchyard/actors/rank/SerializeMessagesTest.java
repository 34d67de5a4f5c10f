package switchyard.actors.rank;

import switchyard.actors.exchange.ExchangeSettings;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCheck;

/**
 * The {@code serialize-messages = on} profile: every message, even between actors of one JVM, goes
 * through the project's serializer and arrives as a fresh copy. A tensor changed after sending, or
 * a message type without a wire format, fails here.
 */
class SerializeMessagesTest {
    static final ActorTestKit kit = ActorTestKit.create("serialized",
            ConfigFactory.parseString("akka.actor.serialize-messages = on").withFallback(ActorTestKit.applicationTestConfig()));

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @org.junit.jupiter.api.Test
    void theProfileIsOn() {
        org.junit.jupiter.api.Assertions.assertTrue(kit.system().settings().config().getBoolean("akka.actor.serialize-messages"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void referenceCasesPassWithEveryMessageSerialized(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, VectorRun.run(kit, c));
    }

    /** Blocks split into parts of 3 rows with at most 2 unacknowledged parts per pair: the cross-node path. */
    @ParameterizedTest(name = "{0}, split and paced")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void referenceCasesPassSplitIntoPacedParts(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, VectorRun.run(kit, c, new ExchangeSettings(3L * 4 * c.dModel(), 2)));
    }
}
