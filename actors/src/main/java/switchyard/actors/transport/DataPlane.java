package switchyard.actors.transport;

import akka.actor.Address;
import akka.actor.Cancellable;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.actor.typed.eventstream.EventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchyard.actors.wire.WireMessage;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plain TCP between node JVMs for the tensor payloads, beside Akka, which keeps every control
 * message. A message for an actor on another node is queued on the link to that node and written
 * as one frame by the link's own thread ({@link OutboundLink}); the receiving node decodes it and
 * tells the target locally ({@link InboundLink}). Actors never touch a socket and never block.
 * Messages for local actors are told directly (no copy). Links are opened on first use, one per
 * peer and direction, and are found through {@link DataPlaneLocator} over Akka.
 *
 * <p>TCP never drops, so unlike Artery's queues nothing is lost while a link is up; a link that
 * breaks, cannot be made, gets stuck, or is fed faster than its queue allows is closed and
 * published as a {@link LinkFailed} on the event stream, so waiting steps fail at once.
 *
 * <p>Only members of the job talk on it: every connection opens with a handshake in which both
 * nodes prove they hold the job's credentials, then the connecting node must be a current cluster
 * member at the host it connects from, and every frame is sealed (AES-GCM) with a key of that
 * connection's own ({@link LinkHandshake}, {@link FrameCipher}); it carries only the exchange's
 * messages to rank actors ({@link Deliveries}). Strangers get a small fixed buffer, a few seconds,
 * and a bounded number of connections. Without credentials a node refuses to start its data plane
 * unless {@code switchyard.security.insecure} says to run it open.
 *
 * <p>Loaded when every actor system starts ({@code akka.actor.typed.library-extensions} in
 * {@code reference.conf}); it listens only on systems with a canonical host (cluster nodes), on
 * that host, and closes everything when the system terminates.
 */
public final class DataPlane implements Extension, Courier {

    /** The extension's id; {@code getInstance} is what Akka calls to load it from the configuration. */
    public static final class Id extends ExtensionId<DataPlane> {
        private static final Id INSTANCE = new Id();

        public static Id getInstance() {
            return INSTANCE;
        }

        @Override
        public DataPlane createExtension(ActorSystem<?> system) {
            return new DataPlane(system);
        }
    }

    public static DataPlane get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    private final ActorSystem<?> system;
    private final Address self;
    private final DataPlaneSettings settings;
    private final FrameCodec codec;
    private final RowArrays rowArrays;
    private final DataPlaneStats stats = new DataPlaneStats();
    private final ConcurrentHashMap<Address, OutboundLink> outbound = new ConcurrentHashMap<>();
    private final Set<InboundLink> inbound = ConcurrentHashMap.newKeySet();
    private final DataPlaneServer server;
    private final Cancellable stuckWrites;
    private final Cancellable inboundWatch;
    private final LinkSecurity security;
    private final Admission admission;
    private final RefusalLog refusals = new RefusalLog(LOG);
    private volatile boolean stopping;

    private DataPlane(ActorSystem<?> system) {
        this.system = system;
        this.self = system.address();
        this.settings = DataPlaneSettings.from(system.settings().config());
        this.rowArrays = new RowArrays(settings.receivePoolBytes());
        this.codec = new FrameCodec(system, rowArrays);
        if (self.getHost().isEmpty()) { // a local-only system: every actor is local, nothing to listen for
            server = null;
            stuckWrites = null;
            inboundWatch = null;
            security = null;
            admission = null;
            return;
        }
        security = LinkSecurity.from(system.settings().config(), self.toString());
        if (security.mode() == LinkSecurity.Mode.OPEN)
            LOG.warn("the data plane of {} is open (switchyard.security.insecure): anyone who can reach its port may send it exchange parts", self);
        admission = new Admission(system);
        server = new DataPlaneServer(this, self.getHost().get(), settings.port());
        system.systemActorOf(DataPlaneLocator.create(this, server.port()), DataPlaneLocator.NAME, Props.empty());
        Duration every = settings.writeTimeout().dividedBy(4);
        stuckWrites = system.scheduler().scheduleAtFixedRate(every, every, this::failStuckWrites, system.executionContext());
        Duration watch = settings.handshakeTimeout().dividedBy(4);
        inboundWatch = system.scheduler().scheduleAtFixedRate(watch, watch, this::closeExpiredInbound, system.executionContext());
        system.getWhenTerminated().thenRun(this::stop);
        LOG.debug("data plane of {} listens on {}:{}", self, self.getHost().get(), server.port());
    }

    /**
     * Delivers {@code message} to {@code to}: directly if {@code to} is local, else as a frame on the
     * link to its node. Never blocks. Only {@link WireMessage}s cross nodes.
     */
    @Override
    public <T> void tell(ActorRef<T> to, T message) {
        Address node = to.path().address();
        if (server == null || stopping || !node.hasGlobalScope() || node.equals(self)) {
            to.tell(message);
            return;
        }
        if (!(message instanceof WireMessage))
            throw new IllegalArgumentException("the data plane carries WireMessages only, not " + message.getClass().getName());
        while (true) {
            OutboundLink link = outbound.computeIfAbsent(node, n -> new OutboundLink(this, n));
            if (link.offer(to, message)) return;
            outbound.remove(node, link); // it closed meanwhile: the next round opens a new one
        }
    }

    /**
     * Hands back the array of a received exchange part's rows once the receiver has copied them
     * away (it must not touch them afterwards): the next part is decoded into it. Arrays the data
     * plane did not lend (local or Artery messages) are ignored, so receivers need not know how a
     * part came.
     */
    public void recycle(float[] rows) {
        rowArrays.give(rows);
    }

    /** The port this node's data plane listens on, or -1 for a local-only system. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    public DataPlaneStats.Snapshot stats() {
        return stats.snapshot();
    }

    // ---- for the links ---------------------------------------------------------------------------

    ActorSystem<?> system() { return system; }

    Address selfAddress() { return self; }

    DataPlaneSettings settings() { return settings; }

    FrameCodec codec() { return codec; }

    DataPlaneStats statsCounters() { return stats; }

    Logger log() { return LOG; }

    LinkSecurity security() { return security; }

    Admission admission() { return admission; }

    /** A connection that was not admitted: logged, rate-limited, never reported as any peer's failure. */
    void refused(String remote, String reason) {
        if (!stopping) refusals.refused(remote, reason);
    }

    /** Inbound connections still in their handshake. */
    int pendingHandshakes() {
        return (int) inbound.stream().filter(l -> !l.admitted()).count();
    }

    /** Why one more inbound connection cannot be taken now, or null if it can. */
    String roomForInbound() {
        int all = inbound.size();
        if (all >= settings.maxInboundConnections())
            return "this node already has " + all + " data-plane connections (switchyard.data-plane.max-inbound-connections)";
        int unproven = pendingHandshakes();
        if (unproven >= settings.maxPendingHandshakes())
            return unproven + " connections are still in their handshake (switchyard.data-plane.max-pending-handshakes)";
        return null;
    }

    /** A link with {@code node} broke or could not be made: log it and tell whoever listens. */
    void linkFailed(Address node, String reason) {
        OutboundLink link = outbound.get(node);
        if (link != null && link.isClosed()) outbound.remove(node, link);
        if (stopping) return;
        LOG.warn("{}", reason);
        system.eventStream().tell(new EventStream.Publish<>(new LinkFailed(node, reason)));
    }

    /** {@code node} closed its connection to this one (it stops, or gave up on its link). */
    void linkEnded(Address node, String reason) {
        if (stopping) return;
        LOG.info("{}", reason);
        system.eventStream().tell(new EventStream.Publish<>(new LinkFailed(node, reason)));
    }

    void inboundStarted(InboundLink link) {
        inbound.add(link);
        if (stopping) link.close();
        else link.start();
    }

    void inboundEnded(InboundLink link) {
        inbound.remove(link);
    }

    /** Drops every link with {@code node} (it left the cluster), reporting {@code reason} once if there was any. */
    void forget(Address node, String reason) {
        OutboundLink link = outbound.remove(node);
        boolean had = link != null && link.close() >= 0;
        for (InboundLink in : inbound) {
            if (node.equals(in.peer())) {
                in.closeSilently();
                had = true;
            }
        }
        if (had) linkEnded(node, reason);
    }

    /** Closes inbound connections that took too long to prove themselves, stalled inside a frame, or fell silent. */
    private void closeExpiredInbound() {
        long now = System.nanoTime();
        for (InboundLink link : inbound) {
            String reason = link.expiry(now, settings);
            if (reason == null) continue;
            Address peer = link.peer();
            link.closeSilently();
            if (peer == null) refused(link.remoteHost(), reason);
            else linkFailed(peer, "closed the data-plane connection from node " + peer + ": " + reason);
        }
    }

    private void failStuckWrites() {
        long now = System.nanoTime();
        for (OutboundLink link : outbound.values()) link.failIfStuck(now, settings.writeTimeout().toNanos());
    }

    private void stop() {
        stopping = true;
        stuckWrites.cancel();
        inboundWatch.cancel();
        server.close();
        for (OutboundLink link : outbound.values()) link.close();
        for (InboundLink link : inbound) link.close();
        outbound.clear();
    }

    /** An exception in words: its message, or its type when it has none. */
    static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
