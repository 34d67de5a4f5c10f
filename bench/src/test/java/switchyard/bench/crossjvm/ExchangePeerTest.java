package switchyard.bench.crossjvm;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.exchange.ExchangeSettings;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The all-to-all bench's peers: peer 0 starts the others, and each reports everything it received
 * and how long its own part of the exchange took.
 */
class ExchangePeerTest {
    static final ActorTestKit kit = ActorTestKit.create("exchange-peers");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @Test
    void threePeersEachReceiveTheirShareAndTimeIt() {
        List<ActorRef<ExchangePeer.Command>> peers = List.of(kit.spawn(ExchangePeer.create()), kit.spawn(ExchangePeer.create()),
                kit.spawn(ExchangePeer.create()));
        TestProbe<ExchangePeer.Done> done = kit.createTestProbe(ExchangePeer.Done.class);
        long bytes = 4L * ExchangePeer.COLS * 300; // 300 rows to every other peer, in parts of 64 rows
        ExchangeSettings exchange = new ExchangeSettings(4L * ExchangePeer.COLS * 64, 2);
        for (long id = 1; id <= 2; id++) { // the second round reuses the peers' state
            // only peer 0 is told: it starts the others
            peers.get(0).tell(new ExchangePeer.Start(id, peers, 0, bytes, exchange, done.getRef()));
            boolean[] seen = new boolean[peers.size()];
            for (int i = 0; i < peers.size(); i++) {
                ExchangePeer.Done d = done.receiveMessage(Duration.ofSeconds(20));
                assertEquals(id, d.id());
                assertEquals(2 * bytes, d.bytesReceived(), "peer " + d.peer() + " hears from both others");
                assertTrue(d.nanos() > 0 && d.nanos() < Duration.ofSeconds(20).toNanos(), "peer " + d.peer() + " took " + d.nanos() + " ns");
                seen[d.peer()] = true;
            }
            for (boolean s : seen) assertTrue(s);
        }
    }
}
