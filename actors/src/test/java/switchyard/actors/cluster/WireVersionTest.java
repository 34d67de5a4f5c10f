package switchyard.actors.cluster;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.wire.WireVersion;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A driver of another wire version is refused at set-up, with both versions named: a node reads
 * the version and the reply address at the head of the settings, and not the rest.
 */
class WireVersionTest {
    static final ActorTestKit kit = ActorTestKit.create("wire-version");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @Test
    void aRankSlotRefusesTheSettingsOfAnotherVersionNamingBoth() throws Exception {
        TestProbe<RankHost.HostReply> driver = kit.createTestProbe(RankHost.HostReply.class);
        RankHost.Configure foreign = new RankHost.Configure(WireVersion.CURRENT + 1, null, 0, false, driver.getRef());

        Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
        byte[] bytes = serialization.serialize(foreign).get();
        String manifest = akka.serialization.Serializers.manifestFor(serialization.findSerializerFor(foreign), foreign);
        RankHost.Configure read = (RankHost.Configure) serialization.deserialize(bytes,
                serialization.findSerializerFor(foreign).identifier(), manifest).get();
        assertEquals(WireVersion.CURRENT + 1, read.wireVersion());
        assertNull(read.settings(), "the rest of another version's settings is not read");

        kit.spawn(RankHost.create(0)).tell(read);
        RankHost.HostReply.Refused refused = assertInstanceOf(RankHost.HostReply.Refused.class, driver.receiveMessage(Duration.ofSeconds(10)));
        assertTrue(refused.reason().contains("wire version " + (WireVersion.CURRENT + 1))
                && refused.reason().contains("version " + WireVersion.CURRENT), refused.reason());
    }
}
