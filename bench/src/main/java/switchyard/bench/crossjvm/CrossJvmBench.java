package switchyard.bench.crossjvm;

import switchyard.bench.layer.LayerBench;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import switchyard.actors.cluster.ClusterDriver;
import switchyard.actors.cluster.ClusterNode;
import switchyard.actors.security.CredentialsMaker;
import switchyard.actors.cluster.RankHost;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.TrainingPlan;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.transport.Transport;
import switchyard.actors.sim.SimulationOptions;
import switchyard.bench.layer.LayerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Measurements across two node JVMs on loopback: this JVM (seed, driver, rank 0) and a child node
 * (rank 1, plus a raw-socket server). The all-to-all moves the same bytes both ways at once, like
 * the raw socket copy it is compared with, once over the configured transport (what training
 * uses) and once over Artery for comparison; and the layer runs with one rank in each JVM.
 */
public final class CrossJvmBench {
    private CrossJvmBench() {}

    /**
     * MB/s count the bytes moved in both directions (10^6 bytes per MB); {@code switchyardMBps} is the
     * configured transport, {@code arteryMBps} the same exchange over Akka Artery.
     */
    public record ExchangeRates(long bytesPerDirection, Transport transport, boolean sealed, double switchyardMBps, double arteryMBps,
                           double rawSocketMBps) {
        public double ratio() { return switchyardMBps / rawSocketMBps; }
    }

    public record Results(List<ExchangeRates> exchanges, LayerBench.Result layer) {}

    private sealed interface Guardian extends NoSerializationVerificationNeeded permits Run, FindPeers, FindHosts, Blast {}

    private record Run(SimulationOptions job, TrainingPlan plan, CompletableFuture<RunListener.Outcome> outcome) implements Guardian {}

    private record FindPeers(ActorRef<Receptionist.Listing> replyTo) implements Guardian {}

    private record FindHosts(ActorRef<Receptionist.Listing> replyTo) implements Guardian {}

    private record Blast(List<ActorRef<ExchangePeer.Command>> peers, long bytes, ExchangeSettings exchange,
                         CompletableFuture<Double> seconds) implements Guardian {}

    private static int runs;

    /**
     * What is measured is a long run's exchanges, not a fresh JVM's: the code of an exchange runs
     * about once per 1 MiB part, so the JIT needs thousands of parts to compile it, and until it
     * has, its compiler threads take a large share of busy cores from the data plane.
     * So before any measurement the configured transport and the raw copy each move this many
     * bytes per direction in exchanges of the largest size, and every size then gets a few
     * rounds of its own. The slow Artery comparison only gets its few rounds.
     */
    public static final long WARMUP_BYTES = 8L << 30;
    private static final int WARMUP_ROUNDS = 3;
    private static final int WARMUP_ROUNDS_ARTERY = 2;

    /**
     * Measured rounds for exchanges of {@code size}: {@code repeats} for the largest, more for smaller
     * ones (up to {@link #MAX_ROUNDS}, never fewer than {@code repeats}), so that every size is measured over about as many bytes. A
     * 4 MiB exchange lasts a few milliseconds, and on a shared machine one neighbour's burst decides
     * the best of a few such rounds.
     */
    static int rounds(long size, long largest, int repeats) {
        if (size <= 0 || size >= largest) return repeats;
        return (int) Math.max(repeats, Math.min(MAX_ROUNDS, repeats * (largest / size)));
    }

    private static final int MAX_ROUNDS = 40;

    /**
     * Starts one exchange (through peer 0, which starts the others over the exchange's transport)
     * and completes with its seconds: the longest time a peer took from starting to send until it
     * had received everything. That includes peer 0's hop to the others, as the raw copy's time
     * includes its request to the server, but neither the bench's Start reaching the two JVMs at
     * different moments nor its Done messages coming back, which no rank pays (a 4 MiB exchange
     * lasts a few milliseconds, and an Akka hop on a busy machine up to one).
     */
    private static Behavior<ExchangePeer.Done> collector(Blast b, long id) {
        return Behaviors.setup(ctx -> {
            b.peers().get(0).tell(new ExchangePeer.Start(id, b.peers(), 0, b.bytes(), b.exchange(), ctx.getSelf()));
            int[] done = {0};
            long[] longest = {0};
            return Behaviors.receive(ExchangePeer.Done.class).onMessage(ExchangePeer.Done.class, d -> {
                if (d.id() != id) return Behaviors.same();
                longest[0] = Math.max(longest[0], d.nanos());
                if (++done[0] == b.peers().size()) {
                    b.seconds().complete(longest[0] / 1e9);
                    return Behaviors.stopped();
                }
                return Behaviors.same();
            }).build();
        });
    }

    private static Behavior<Guardian> guardian() {
        return Behaviors.setup(ctx -> {
            ctx.spawn(RankHost.create(0), RankHost.name(0));
            ctx.spawn(ExchangePeer.create(), "exchange-peer");
            return Behaviors.receive(Guardian.class)
                    .onMessage(Run.class, r -> {
                        int n = runs++;
                        var listener = ctx.spawn(RunListener.create(null, r.outcome()), "listener-" + n);
                        ctx.spawn(ClusterDriver.create(r.job().worldSize(), r.job()::rankSettings, r.plan(), Duration.ofSeconds(60),
                                listener, false), "driver-" + n);
                        return Behaviors.same();
                    })
                    .onMessage(Blast.class, b -> {
                        int n = runs++;
                        ctx.spawn(collector(b, n), "blast-" + n);
                        return Behaviors.same();
                    })
                    .onMessage(FindHosts.class, f -> {
                        ctx.getSystem().receptionist().tell(Receptionist.find(RankHost.KEY, f.replyTo()));
                        return Behaviors.same();
                    })
                    .onMessage(FindPeers.class, f -> {
                        ctx.getSystem().receptionist().tell(Receptionist.find(ExchangePeer.KEY, f.replyTo()));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /**
     * @param classPath   where the child JVM finds Switchyard
     * @param warmupBytes bytes each transport moves before anything is measured ({@link #WARMUP_BYTES})
     * @param clusterConf cluster-config/cluster.conf
     * @param layer       the layer configuration to train across the two JVMs, or null
     * @param matmul      the ranks' kernel name (see MatMuls.byName)
     * @param sealed      both nodes with fresh credentials of their own (Artery over mutual TLS, the
     *                    data plane's frames sealed), as a real job runs; false: both --insecure
     */
    public static Results run(String classPath, Path clusterConf, List<Long> sizes, int repeats, long warmupBytes, LayerConfig layer,
                              String matmul, int warmups, int steps, Path logDir, boolean sealed) throws Exception {
        int seedPort = NodeLauncher.freePort();
        int rawPort = NodeLauncher.freePort();
        Map<String, Object> overrides = new HashMap<>(ClusterNode.overrides("127.0.0.1", seedPort,
                List.of("akka://" + ClusterNode.SYSTEM + "@127.0.0.1:" + seedPort), "driver"));
        overrides.putAll(PeerNode.benchCodecs());
        List<String> peerArgs = new ArrayList<>(List.of("--raw-copy-port", Integer.toString(rawPort)));
        if (sealed) {
            Path credentials = Files.createTempDirectory(Files.createDirectories(logDir), "credentials").resolve("job");
            CredentialsMaker.make(credentials);
            overrides.put("switchyard.security.credentials", credentials.toString());
            peerArgs.addAll(List.of("--credentials", credentials.toString()));
        } else {
            overrides.put("switchyard.security.insecure", true);
            peerArgs.addAll(List.of("--insecure", "true"));
        }
        Config config = ClusterNode.config(clusterConf, overrides);
        ActorSystem<Guardian> system = ActorSystem.create(guardian(), ClusterNode.SYSTEM, config);
        try (NodeLauncher child = new NodeLauncher(classPath, PeerNode.COMMAND, clusterConf, "bench-peer", seedPort, "1", logDir,
                peerArgs)) {
            List<ActorRef<ExchangePeer.Command>> peers = awaitPeers(system, child);
            List<ExchangeRates> exchanges = new ArrayList<>();
            ExchangeSettings configured = ClusterNode.exchange(config);
            // Artery drops parts on a full queue: without a credit window the comparison would never finish
            ExchangeSettings artery = new ExchangeSettings(configured.chunkBytes(), Math.max(configured.window(), 4), Transport.ARTERY);
            long largest = sizes.stream().mapToLong(Long::longValue).max().orElse(0);
            for (long moved = 0; moved < warmupBytes && largest > 0; moved += largest) {
                exchange(system, peers, largest, configured);
                RawSocketCopy.run(rawPort, largest);
            }
            for (long size : sizes) {
                for (int i = 0; i < WARMUP_ROUNDS; i++) {
                    exchange(system, peers, size, configured);
                    RawSocketCopy.run(rawPort, size);
                }
                for (int i = 0; i < WARMUP_ROUNDS_ARTERY; i++) exchange(system, peers, size, artery);
                double best = 0, bestArtery = 0, bestRaw = 0;
                for (int i = 0; i < rounds(size, largest, repeats); i++) { // interleaved, so that a busy moment hits all three
                    double seconds = exchange(system, peers, size, configured);
                    double arterySeconds = exchange(system, peers, size, artery);
                    double raw = RawSocketCopy.run(rawPort, size);
                    best = Math.max(best, 2.0 * size / seconds / 1e6);
                    bestArtery = Math.max(bestArtery, 2.0 * size / arterySeconds / 1e6);
                    bestRaw = Math.max(bestRaw, 2.0 * size / raw / 1e6);
                }
                exchanges.add(new ExchangeRates(size, configured.transport(), sealed, best, bestArtery, bestRaw));
            }
            LayerBench.Result layerResult = null;
            if (layer != null) {
                SimulationOptions job = LayerBench.job(layer, 2, matmul, ClusterNode.exchange(config));
                layerResult = LayerBench.measure(layer, 2, warmups, steps, (plan, j) -> {
                    CompletableFuture<RunListener.Outcome> outcome = new CompletableFuture<>();
                    system.tell(new Run(j, plan, outcome));
                    try {
                        return outcome.get(1, TimeUnit.HOURS);
                    } catch (Exception e) {
                        throw new IllegalStateException("cross-JVM layer run did not finish: " + e, e);
                    }
                }, job);
            }
            stopPeerNode(system, child);
            return new Results(exchanges, layerResult);
        } finally {
            system.terminate();
            ClusterNode.awaitTermination(system, Duration.ofSeconds(30));
        }
    }

    /** Asks the peer node to stop (so neither side logs the other as unreachable) and waits for it. */
    private static void stopPeerNode(ActorSystem<Guardian> system, NodeLauncher child) throws Exception {
        CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system,
                r -> new FindHosts(r), Duration.ofSeconds(5), system.scheduler());
        for (ActorRef<RankHost.Command> h : listing.toCompletableFuture().get(10, TimeUnit.SECONDS).getServiceInstances(RankHost.KEY)) {
            if (h.path().address().hasGlobalScope()) h.tell(new RankHost.Shutdown("benchmark over"));
        }
        child.awaitExit(30);
    }

    private static List<ActorRef<ExchangePeer.Command>> awaitPeers(ActorSystem<Guardian> system, NodeLauncher child) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.process().isAlive()) throw new IllegalStateException("the peer node exited:\n" + child.logText());
            CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system, FindPeers::new, Duration.ofSeconds(5), system.scheduler());
            var found = listing.toCompletableFuture().get(10, TimeUnit.SECONDS).getServiceInstances(ExchangePeer.KEY);
            if (found.size() == 2) {
                List<ActorRef<ExchangePeer.Command>> peers = new ArrayList<>(found);
                // this JVM's peer first
                peers.sort((a, b) -> Boolean.compare(a.path().address().hasGlobalScope(), b.path().address().hasGlobalScope()));
                return peers;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("the peer node did not join within 90 s:\n" + child.logText());
    }

    private static final Duration EXCHANGE_LIMIT = Duration.ofMinutes(2);

    /** One all-to-all of {@code size} bytes per direction; seconds until both peers have everything. */
    private static double exchange(ActorSystem<Guardian> system, List<ActorRef<ExchangePeer.Command>> peers, long size,
                                   ExchangeSettings exchange) throws Exception {
        CompletableFuture<Double> seconds = new CompletableFuture<>();
        system.tell(new Blast(peers, size, exchange, seconds));
        try {
            return seconds.get(EXCHANGE_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // far beyond any transport's time for the largest size: a part was lost
            throw new IllegalStateException("an all-to-all of " + size + " bytes per direction over " + exchange.transport()
                    + " did not finish within " + EXCHANGE_LIMIT.toSeconds() + " s: a part was lost (see the peer node's log)");
        }
    }
}
