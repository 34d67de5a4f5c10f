package switchyard.actors.transport;

import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.cluster.ClusterFixture;
import switchyard.actors.cluster.ClusterNode;
import switchyard.actors.rank.RankActor;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's data-plane listener facing hand-made connections on loopback: good frames are
 * delivered, and garbage, truncated or misaddressed input closes the connection (never a hang),
 * reported as a {@link LinkFailed} naming the peer whenever the peer has said who it is.
 */
class InboundConnectionTest {
    static final ActorTestKit node = ActorTestKit.create(ClusterNode.SYSTEM, ClusterFixture.config(""));
    static final String PEER = "akka://switchyard@127.0.0.1:1";
    static final Duration WAIT = Duration.ofSeconds(10);

    @AfterAll
    static void cleanup() {
        node.shutdownTestKit();
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), DataPlane.get(node.system()).port());
        s.setSoTimeout((int) WAIT.toMillis()); // a test that would hang fails instead
        return s;
    }

    private static byte[] hello(String to) {
        ByteBuffer buf = ByteBuffer.allocate(256);
        FrameFormat.writeHello(buf, new FrameFormat.Hello(PEER, to));
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private static byte[] frame(akka.actor.typed.ActorRef<?> to, Object message) {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        FrameCodec codec = new FrameCodec(node.system(), switchyard.actors.wire.FloatArrays.NEW);
        codec.encode(to, message, buf, codec.refCache());
        return Arrays.copyOf(buf.array(), buf.position());
    }

    /**
     * Waits until the node closes the connection: the stream ends, or is reset when the node hung
     * up on bytes it did not read. A read timeout (the node still listening) fails the test.
     */
    private static void assertClosedByTheNode(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            assertEquals(-1, in.read(), "the node should close the connection");
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the node kept the connection open for " + WAIT.toSeconds() + " s", e);
        } catch (java.net.SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.toString());
        }
    }

    /**
     * The failure whose reason contains {@code what}. Every test talks to the same node as the same
     * peer, so a link another test closed may still be reporting its end: those are passed over.
     */
    private static LinkFailed awaitFailure(TestProbe<LinkFailed> failures, String what) {
        List<LinkFailed> seen = failures.fishForMessage(WAIT, f -> f.reason().contains(what)
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return seen.get(seen.size() - 1);
    }

    private static TestProbe<LinkFailed> failures() {
        TestProbe<LinkFailed> probe = node.createTestProbe(LinkFailed.class);
        node.system().eventStream().tell(new EventStream.Subscribe<>(LinkFailed.class, probe.getRef()));
        return probe;
    }

    @Test
    void framesFromAGreetedPeerAreDeliveredAndCounted() throws Exception {
        TestProbe<RankMessage> target = node.createTestProbe(RankMessage.class);
        long before = DataPlane.get(node.system()).stats().framesReceived();
        try (Socket s = connect()) {
            s.getOutputStream().write(hello(node.system().address().toString()));
            s.getOutputStream().write(frame(target.getRef(), new RankMessage.PartAck(3)));
            s.getOutputStream().write(frame(target.getRef(), new RankMessage.AbortStep(9, "test")));
            target.expectMessage(WAIT, new RankMessage.PartAck(3));
            target.expectMessage(WAIT, new RankMessage.AbortStep(9, "test"));
        }
        assertEquals(before + 2, DataPlane.get(node.system()).stats().framesReceived());
    }

    @Test
    void somethingThatIsNotADataPlaneClientIsHungUpOn() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertClosedByTheNode(s);
        }
    }

    @Test
    void aHelloForAnotherNodeIsRefused() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(hello("akka://switchyard@127.0.0.1:2"));
            assertClosedByTheNode(s);
        }
    }

    @Test
    void aMalformedFrameClosesTheLinkAndNamesThePeer() throws Exception {
        TestProbe<LinkFailed> failures = failures();
        try (Socket s = connect()) {
            s.getOutputStream().write(hello(node.system().address().toString()));
            // a well-framed body whose target string has a negative length
            s.getOutputStream().write(ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4).putInt(-1).array());
            assertClosedByTheNode(s);
        }
        LinkFailed f = awaitFailure(failures, "malformed frame");
        assertEquals(PEER, f.node().toString());
        assertTrue(f.reason().contains(PEER), f.reason());
    }

    @Test
    void aConnectionCutInsideAFrameIsReportedNamingThePeer() throws Exception {
        TestProbe<LinkFailed> failures = failures();
        try (Socket s = connect()) {
            s.getOutputStream().write(hello(node.system().address().toString()));
            byte[] f = frame(node.createTestProbe().getRef(), new RankMessage.AbortStep(1, "cut short"));
            s.getOutputStream().write(Arrays.copyOf(f, f.length / 2));
            s.shutdownOutput(); // a clean end of stream after the half frame, not a reset that may drop it
            assertClosedByTheNode(s);
        }
        LinkFailed f = awaitFailure(failures, "inside a frame");
        assertEquals(PEER, f.node().toString());
        assertTrue(f.reason().contains("broke"), f.reason());
    }
}
