package switchyard.actors.cluster;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.actors.protocol.RowPart;
import switchyard.actors.rank.RankActor;
import switchyard.actors.transport.Courier;
import switchyard.actors.transport.DataPlane;
import switchyard.actors.transport.DataPlaneStats;
import switchyard.actors.transport.Outbox;
import switchyard.actors.transport.Transport;
import switchyard.math.dispatch.ExpertRows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 600 parts of 1 MiB from one node to another, through the Outbox that rank actors use. Artery
 * drops messages when its large-message queue is full; with the credit window, nothing is lost
 * and every byte arrives intact. The data plane loses nothing with or without a window (TCP pushes
 * back instead of dropping), and its counters show the parts really travel as its frames.
 */
class FlowControlTest {
    static final int MESSAGES = 600;
    static final int COLS = 256;
    static final int ROWS = 1024; // 1024 × 256 floats = 1 MiB per part

    /** What the receiver reports once every part has arrived. */
    record Received(int parts, long floats, int corrupt, int distinctSteps) {}

    /** Small integers are exact in float. */
    private static float expected(int i) {
        return (float) ((i * 7919L) % 1_000_003);
    }

    static Stream<Arguments> transports() {
        return Stream.of(Arguments.of(Transport.ARTERY, 4), Arguments.of(Transport.DATA_PLANE, 4), Arguments.of(Transport.DATA_PLANE, 0));
    }

    @ParameterizedTest(name = "{0}, window {1}")
    @MethodSource("transports")
    void sixHundredOneMebibytePartsArriveIntact(Transport transport, int window) {
        // the stand-ins for rank actors live at /user/blast-*: the data plane may deliver exchange messages there
        try (ClusterFixture c = new ClusterFixture(2, """
                akka.remote.artery.large-message-destinations = ["/user/blast*"]
                switchyard.data-plane.deliveries.blast { path = "/user/blast-*", manifests = ["X", "K"] }
                """)) {
            DataPlaneStats.Snapshot before = DataPlane.get(c.nodes.get(1).system()).stats();
            TestProbe<Received> done = c.nodes.get(1).createTestProbe(Received.class);
            TestProbe<Object> sent = c.nodes.get(0).createTestProbe();
            ActorRef<RankMessage> sender = c.nodes.get(0).spawn(sender(sent.getRef(), transport, window), "blast-sender");
            ActorRef<RankMessage> receiver = c.nodes.get(1).spawn(
                    receiver(ClusterFixture.seenFrom(c.nodes.get(1), c.nodes.get(0), sender), done.getRef(), transport), "blast-receiver");
            // the test hands each side the other's remote reference, as a cluster would
            sender.tell(new RankMessage.Roster(java.util.List.of(ClusterFixture.seenFrom(c.nodes.get(0), c.nodes.get(1), receiver)),
                    c.nodes.get(0).<switchyard.actors.protocol.RankReply>createTestProbe().getRef()));
            sent.expectMessage(Duration.ofSeconds(120), "all queued");
            Received r = done.receiveMessage(Duration.ofSeconds(180));
            assertEquals(MESSAGES, r.parts(), "parts received");
            assertEquals((long) MESSAGES * ROWS * COLS, r.floats(), "floats received");
            assertEquals(0, r.corrupt(), "corrupt floats");
            assertEquals(MESSAGES, r.distinctSteps(), "every message exactly once");
            long frames = DataPlane.get(c.nodes.get(1).system()).stats().framesReceived() - before.framesReceived();
            long bytes = DataPlane.get(c.nodes.get(1).system()).stats().bytesReceived() - before.bytesReceived();
            if (transport == Transport.DATA_PLANE) {
                assertTrue(frames >= MESSAGES && bytes >= 4L * MESSAGES * ROWS * COLS, frames + " frames, " + bytes + " bytes on the data plane");
            } else {
                assertEquals(0, frames, "frames on the data plane while sending over Artery");
            }
        }
    }

    /** Told where to send, queues every part in an Outbox; with a window, credits (PartAck) release the next. */
    private static Behavior<RankMessage> sender(ActorRef<Object> report, Transport transport, int window) {
        return Behaviors.setup(ctx -> Behaviors.receive(RankMessage.class).onMessage(RankMessage.Roster.class, t -> {
            ActorRef<RankMessage> to = t.ranks().get(0);
            Outbox<RankMessage> outbox = new Outbox<>(1, window, Courier.of(ctx.getSystem(), transport));
            // one payload shared by every message (never changed after sending), so the loop below is a
            // true burst: without the window, Artery's queue of 256 overflows and drops
            FMatrixRMaj rows = new FMatrixRMaj(ROWS, COLS);
            for (int i = 0; i < rows.data.length; i++) rows.data[i] = expected(i);
            RowPart payload = RowPart.whole(new ExpertRows(rows, new int[] {ROWS}));
            for (int m = 0; m < MESSAGES; m++) outbox.send(0, to, ExchangePart.dispatch(m, 0, false, payload));
            report.tell("all queued");
            return Behaviors.receive(RankMessage.class)
                    .onMessage(RankMessage.PartAck.class, a -> {
                        outbox.acknowledged(0);
                        return Behaviors.same();
                    })
                    .build();
        }).build());
    }

    private static Behavior<RankMessage> receiver(ActorRef<RankMessage> sender, ActorRef<Received> report, Transport transport) {
        return Behaviors.setup(ctx -> {
            Courier courier = Courier.of(ctx.getSystem(), transport);
            AtomicInteger parts = new AtomicInteger();
            long[] floats = {0};
            int[] corrupt = {0};
            java.util.BitSet steps = new java.util.BitSet();
            return Behaviors.receive(RankMessage.class)
                    .onMessage(ExchangePart.class, d -> {
                        float[] data = d.part().rows().data;
                        steps.set((int) d.step());
                        for (int i = 0; i < ROWS * COLS; i++) if (data[i] != expected(i)) corrupt[0]++;
                        floats[0] += (long) ROWS * COLS;
                        DataPlane.get(ctx.getSystem()).recycle(data); // checked: the array may take the next part
                        courier.tell(sender, new RankMessage.PartAck(1));
                        if (parts.incrementAndGet() == MESSAGES) report.tell(new Received(parts.get(), floats[0], corrupt[0], steps.cardinality()));
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
