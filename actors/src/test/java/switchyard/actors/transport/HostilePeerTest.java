package switchyard.actors.transport;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.cluster.ClusterFixture;
import switchyard.actors.cluster.RankHost;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.security.TestCredentials;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's data plane against the attacks it was built to withstand, on a real two-node cluster
 * on loopback: node {@code target} is attacked, node {@code member} is the real peer whose name
 * attackers borrow. A stranger (no credentials, or another job's) is refused in the handshake
 * and never gets a real peer's link reported as failed; an admitted peer can deliver only exchange
 * messages to rank actors; strangers get bounded time, memory and connections. After every
 * attack the node still serves its real peer.
 */
class HostilePeerTest {
    static final ClusterFixture cluster = new ClusterFixture(2, """
            switchyard.data-plane.handshake-timeout = 2s
            switchyard.data-plane.write-timeout = 2s
            switchyard.data-plane.idle-timeout = 3s
            """);
    static final ActorTestKit target = cluster.nodes.get(0);
    static final ActorTestKit member = cluster.nodes.get(1);
    static final String MEMBER = member.system().address().toString();
    static final Duration WAIT = TestPeer.WAIT;

    @AfterAll
    static void cleanup() {
        cluster.close();
    }

    private static LinkSecurity job() {
        return TestPeer.job(TestCredentials.job());
    }

    private static LinkSecurity stranger() {
        return TestPeer.job(TestCredentials.stranger());
    }

    /** A stand-in rank actor at /user/rank-&lt;r&gt;/worker-0 on the target, forwarding what it gets to {@code probe}. */
    private static ActorRef<Object> rankWorker(int r, TestProbe<Object> probe) {
        TestProbe<ActorRef<Object>> spawned = target.createTestProbe();
        Behavior<Object> forward = Behaviors.receiveMessage(m -> {
            probe.getRef().tell(m);
            return Behaviors.same();
        });
        target.spawn(Behaviors.setup(ctx -> {
            spawned.getRef().tell(ctx.spawn(forward, "worker-0"));
            return Behaviors.empty();
        }), "rank-" + r);
        return spawned.receiveMessage(WAIT);
    }

    private static TestProbe<LinkFailed> failures() {
        TestProbe<LinkFailed> probe = target.createTestProbe(LinkFailed.class);
        target.system().eventStream().tell(new EventStream.Subscribe<>(LinkFailed.class, probe.getRef()));
        return probe;
    }

    /** A connection to the target that proved itself as the member, with the job's credentials. */
    private static TestPeer admitted() throws IOException {
        return TestPeer.connect(target.system()).handshake(job(), MEMBER, target.system());
    }

    /** The first failure reported whose reason contains {@code text} (earlier tests may still report theirs). */
    private static LinkFailed awaitFailure(TestProbe<LinkFailed> failures, String text) {
        List<LinkFailed> seen = failures.fishForMessage(WAIT, e -> e.reason().contains(text)
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return seen.get(seen.size() - 1);
    }

    /** Waits until the target holds no connection in its handshake: the ones an attack left are freed. */
    private static void awaitAllFreed() {
        target.createTestProbe().awaitAssert(WAIT, () -> {
            assertEquals(0, DataPlane.get(target.system()).pendingHandshakes(), "connections still in their handshake");
            return null;
        });
    }

    /**
     * After an attack, a real peer connects, delivers, and hangs up: the first failure reported
     * for the member must be that hang-up, so the attack before it blamed nobody.
     */
    private static void assertNothingBlamedOnTheMember(TestProbe<LinkFailed> failures, int rank) throws IOException {
        TestProbe<Object> got = target.createTestProbe();
        ActorRef<Object> worker = rankWorker(rank, got);
        try (TestPeer real = admitted()) {
            real.send(target.system(), worker, new RankMessage.PartAck(rank));
            got.expectMessage(WAIT, new RankMessage.PartAck(rank));
        }
        LinkFailed first = failures.receiveMessage(WAIT);
        assertTrue(first.reason().contains("ended"), "the member was blamed for the attack: " + first.reason());
    }

    @Test
    void anAdmittedPeerDeliversExchangeMessagesToRankActors() throws Exception {
        TestProbe<Object> got = target.createTestProbe();
        ActorRef<Object> worker = rankWorker(10, got);
        long before = DataPlane.get(target.system()).stats().framesReceived();
        try (TestPeer peer = admitted()) {
            peer.send(target.system(), worker, new RankMessage.PartAck(3));
            peer.send(target.system(), worker, new RankMessage.PartAck(4));
            got.expectMessage(WAIT, new RankMessage.PartAck(3));
            got.expectMessage(WAIT, new RankMessage.PartAck(4));
        }
        assertEquals(before + 2, DataPlane.get(target.system()).stats().framesReceived());
    }

    @Test
    void aStrangerWithAnotherJobsCredentialsCannotProveItself() throws Exception {
        TestProbe<LinkFailed> failures = failures();
        LinkSecurity otherJob = stranger(); // made before connecting: keytool may take longer than the handshake may
        try (TestPeer stranger = TestPeer.connect(target.system())) {
            IOException e = assertThrows(IOException.class, () -> stranger.handshake(otherJob, MEMBER, target.system()));
            assertTrue(e.getMessage().contains("cannot prove"), e.getMessage()); // the node's proof fails the stranger's check first
        }
        // and the other way round: a stranger that ignores the node's proof and sends its own
        try (TestPeer stranger = TestPeer.connect(target.system())) {
            ByteBuffer hello = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
            FrameFormat.writeHello(hello, new FrameFormat.Hello(LinkSecurity.Mode.SEALED, MEMBER, target.system().address().toString(),
                    new byte[LinkSecurity.NONCE_BYTES]));
            hello.flip();
            stranger.write(TestPeer.bytes(hello));
            ByteBuffer reply = ByteBuffer.allocate(1 + LinkSecurity.NONCE_BYTES + LinkSecurity.PROOF_BYTES);
            assertTrue(LinkHandshake.readFully(stranger.channel, reply));
            stranger.write(new byte[LinkSecurity.PROOF_BYTES]); // a proof it cannot make
            stranger.assertClosedByTheNode();
        }
        assertNothingBlamedOnTheMember(failures, 11);
    }

    @Test
    void aHelloNamingARealPeerThenSilenceBlamesNobody() throws Exception {
        TestProbe<LinkFailed> failures = failures();
        try (TestPeer attacker = TestPeer.connect(target.system())) {
            ByteBuffer hello = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
            FrameFormat.writeHello(hello, new FrameFormat.Hello(LinkSecurity.Mode.SEALED, MEMBER, target.system().address().toString(),
                    new byte[LinkSecurity.NONCE_BYTES]));
            hello.flip();
            attacker.write(TestPeer.bytes(hello));
        } // and hangs up
        try (TestPeer attacker = TestPeer.connect(target.system())) {
            attacker.write(new byte[] {1, 2, 3}); // and waits: the handshake timeout closes it
            attacker.assertClosedByTheNode();
        }
        assertNothingBlamedOnTheMember(failures, 12);
    }

    @Test
    void aProvenPeerMustBeAMemberConnectingFromItsOwnHost() throws Exception {
        Admission admission = new Admission(target.system());
        akka.actor.Address real = member.system().address();
        long now = System.nanoTime();
        java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.0.1");
        assertEquals(null, admission.refusal(real, loopback, now));
        // the same name from another address (no packet is sent: admission only compares addresses)
        String elsewhere = admission.refusal(real, java.net.InetAddress.getByName("127.0.0.2"), now);
        assertTrue(elsewhere != null && elsewhere.contains("connected from 127.0.0.2, not from 127.0.0.1"), elsewhere);
        String stranger = admission.refusal(akka.actor.AddressFromURIString.parse("akka://switchyard@127.0.0.1:9"), loopback, now);
        assertTrue(stranger != null && stranger.contains("is not a member of this cluster"), stranger);
        String itself = admission.refusal(target.system().address(), loopback, now);
        assertTrue(itself != null && itself.contains("this very node"), itself);
    }

    @Test
    void anOpenHelloToANodeWithCredentialsIsRefused() throws Exception {
        try (TestPeer open = TestPeer.connect(target.system())) {
            IOException e = assertThrows(IOException.class, () -> open.handshake(LinkSecurity.open(), MEMBER, target.system()));
            assertTrue(e.getMessage().contains("closed the data-plane connection in the handshake"), e.getMessage());
        }
    }

    @Test
    void aHelloForAnotherNodeOrFromANonMemberIsRefused() throws Exception {
        try (TestPeer peer = TestPeer.connect(target.system())) {
            assertThrows(IOException.class, () -> LinkHandshake.connect(peer.channel, job(), MEMBER, "akka://switchyard@127.0.0.1:2"));
        }
        try (TestPeer peer = TestPeer.connect(target.system())) {
            IOException e = assertThrows(IOException.class, () -> peer.handshake(job(), "akka://switchyard@127.0.0.1:1", target.system()));
            assertTrue(e.getMessage().contains("did not admit"), e.getMessage());
        }
    }

    @Test
    void aShutdownOrAnyOtherMessageIsRefusedAndTheNodeLivesOn() throws Exception {
        ActorRef<RankHost.Command> slot = target.spawn(RankHost.create(0), RankHost.name(0));
        TestProbe<LinkFailed> failures = failures();
        try (TestPeer peer = admitted()) {
            peer.send(target.system(), slot, new RankHost.Shutdown("an attacker says so"));
            peer.assertClosedByTheNode();
        }
        LinkFailed f = awaitFailure(failures, "carries only");
        assertEquals(MEMBER, f.node().toString());
        // the slot and its node are alive: it answers a ping
        TestProbe<RankHost.HostReply> pong = target.createTestProbe(RankHost.HostReply.class);
        slot.tell(new RankHost.Ping(pong.getRef()));
        pong.expectMessage(WAIT, new RankHost.HostReply.Pong(0));
        assertFalse(target.system().whenTerminated().isCompleted());
    }

    @Test
    void aMessageForAnotherNodeIsNotRelayed() throws Exception {
        TestProbe<Object> elsewhere = member.createTestProbe();
        ActorRef<Object> onTheMember = ClusterFixture.seenFrom(target, member, elsewhere.getRef());
        try (TestPeer peer = admitted()) {
            peer.send(target.system(), onTheMember, new RankMessage.PartAck(1));
            peer.assertClosedByTheNode();
        }
        elsewhere.expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void tlsLikeLengthsAndOversizedHellosAreRefusedBeforeAnythingIsAllocated() throws Exception {
        List<TestPeer> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                TestPeer p = TestPeer.connect(target.system());
                peers.add(p);
                p.write(new byte[] {0x16, 0x03, 0x01, 0x02}); // a TLS ClientHello's first bytes, read as a length of 33 MB
            }
            for (TestPeer p : peers) p.assertClosedByTheNode();
        } finally {
            for (TestPeer p : peers) p.close();
        }
        awaitAllFreed();
        try (TestPeer p = TestPeer.connect(target.system())) {
            p.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(FrameFormat.MAX_HELLO_BYTES + 1).array());
            p.assertClosedByTheNode();
        }
        assertNothingBlamedOnTheMember(failures(), 13);
    }

    @Test
    void silentStrangersAreBoundedInNumberAndTime() throws Exception {
        int pending = DataPlaneSettings.from(target.system().settings().config()).maxPendingHandshakes();
        List<TestPeer> peers = new ArrayList<>();
        try {
            for (int i = 0; i < pending + 4; i++) peers.add(TestPeer.connect(target.system()));
            // every one is closed: those over the limit at once, the rest at the handshake timeout
            for (TestPeer p : peers) p.assertClosedByTheNode();
        } finally {
            for (TestPeer p : peers) p.close();
        }
        awaitAllFreed();
        assertNothingBlamedOnTheMember(failures(), 14);
    }

    @Test
    void aTamperedOrReplayedFrameClosesTheLink() throws Exception {
        TestProbe<Object> got = target.createTestProbe();
        ActorRef<Object> worker = rankWorker(15, got);
        TestProbe<LinkFailed> failures = failures();
        try (TestPeer peer = admitted()) {
            byte[] frame = peer.frame(target.system(), worker, new RankMessage.PartAck(5));
            byte[] tampered = frame.clone();
            tampered[tampered.length / 2] ^= 1;
            peer.write(tampered);
            peer.assertClosedByTheNode();
        }
        got.expectNoMessage(Duration.ofMillis(200));
        awaitFailure(failures, "failed authentication");
        try (TestPeer peer = admitted()) {
            byte[] frame = peer.frame(target.system(), worker, new RankMessage.PartAck(6));
            peer.write(frame);
            got.expectMessage(WAIT, new RankMessage.PartAck(6));
            peer.write(frame); // the same bytes again: the frame number in the nonce has moved on
            peer.assertClosedByTheNode();
        }
        got.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void aPeerThatStallsInsideAFrameOrFallsSilentIsCutOff() throws Exception {
        TestProbe<Object> got = target.createTestProbe();
        ActorRef<Object> worker = rankWorker(16, got);
        TestProbe<LinkFailed> failures = failures();
        try (TestPeer peer = admitted()) {
            byte[] frame = peer.frame(target.system(), worker, new RankMessage.PartAck(7));
            peer.write(Arrays.copyOf(frame, frame.length - 3));
            peer.assertClosedByTheNode();
        }
        awaitFailure(failures, "stalled inside a frame");
        try (TestPeer peer = admitted()) {
            peer.assertClosedByTheNode(); // says nothing at all after the handshake
        }
        awaitFailure(failures, "not even a keep-alive");
    }

    @Test
    void realLinksStayOpenThroughQuietSpellsLongerThanTheIdleTimeout() throws Exception {
        TestProbe<Object> got = target.createTestProbe();
        ActorRef<Object> worker = rankWorker(17, got);
        ActorRef<Object> seen = ClusterFixture.seenFrom(member, target, worker);
        DataPlane plane = DataPlane.get(member.system());
        plane.tell(seen, new RankMessage.PartAck(8));
        got.expectMessage(WAIT, new RankMessage.PartAck(8));
        TestProbe<LinkFailed> failures = failures();
        long keepAlives = DataPlane.get(target.system()).stats().keepAlivesReceived();
        // quiet until the target has heard more keep-alives than fit into one idle timeout
        got.awaitAssert(Duration.ofSeconds(15), Duration.ofMillis(100), () -> {
            assertTrue(DataPlane.get(target.system()).stats().keepAlivesReceived() >= keepAlives + 5);
            return null;
        });
        plane.tell(seen, new RankMessage.PartAck(9));
        got.expectMessage(WAIT, new RankMessage.PartAck(9));
        failures.expectNoMessage(Duration.ofMillis(100));
    }
}
