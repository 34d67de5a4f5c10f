package switchyard.actors.cluster;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.driver.Recovered;
import switchyard.actors.driver.Replanner;
import switchyard.actors.driver.TrainingRun;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.security.TransportSecurity;
import switchyard.actors.sim.HeapEstimate;
import switchyard.actors.sim.Jobs;
import switchyard.actors.sim.SimulationOptions;
import switchyard.actors.transport.Transport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Starting cluster nodes: rank nodes that host rank slots, and the driver node that runs a job. */
public final class ClusterNode {
    /** Every node of a cluster has this actor system name. */
    public static final String SYSTEM = "switchyard";

    private ClusterNode() {}

    /**
     * A node's configuration: {@code overrides} first, then {@code file} (its includes resolve
     * next to it), then the library defaults; with credentials, Artery over mutual TLS
     * ({@link TransportSecurity}). Refused when a data-plane limit would fire during a pause the
     * cluster is meant to bear (see {@link FailureDetection}).
     */
    public static Config config(Path file, Map<String, Object> overrides) {
        if (file != null && !Files.isRegularFile(file))
            throw new IllegalArgumentException("config file " + file + " does not exist");
        Config base = file == null ? ConfigFactory.empty() : ConfigFactory.parseFile(file.toFile());
        String where = file == null ? "" : " in " + file;
        Config config;
        try {
            config = ConfigFactory.parseMap(overrides).withFallback(base).withFallback(ConfigFactory.load()).resolve();
            FailureDetection failures = FailureDetection.of(config);
            for (String limit : List.of("switchyard.data-plane.connect-timeout", "switchyard.data-plane.write-timeout",
                    "switchyard.data-plane.idle-timeout"))
                failures.requireOutlasts(limit, config.getDuration(limit));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new IllegalArgumentException("bad configuration" + where + ": " + e.getMessage());
        }
        return TransportSecurity.apply(config);
    }

    /**
     * What a node's command line says over its configuration file: where it listens (null: as the
     * file says), the seed nodes it joins (null: as the file says) and its role.
     */
    public static Map<String, Object> overrides(String hostname, Integer port, List<String> seedNodes, String role) {
        Map<String, Object> overrides = new HashMap<>();
        if (hostname != null) overrides.put("akka.remote.artery.canonical.hostname", hostname);
        if (port != null) {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
            overrides.put("akka.remote.artery.canonical.port", port);
        }
        if (seedNodes != null) overrides.put("akka.cluster.seed-nodes", seedNodes);
        overrides.put("akka.cluster.roles", List.of(role));
        return overrides;
    }

    /** Starts a node hosting the given rank slots. */
    public static ActorSystem<Void> startRanks(Config config, int[] ranks) {
        return startRanks(config, ranks, Map.of());
    }

    /**
     * Starts a node hosting the given rank slots and {@code alsoSpawn}'s actors beside them, under
     * {@code /user/<name>} (the path the configuration's large-message lane names).
     */
    public static ActorSystem<Void> startRanks(Config config, int[] ranks, Map<String, Behavior<?>> alsoSpawn) {
        return ActorSystem.create(Behaviors.setup(ctx -> {
            for (int r : ranks) ctx.spawn(RankHost.create(r, ranks.length), RankHost.name(r));
            alsoSpawn.forEach((name, behavior) -> ctx.spawn(behavior, name));
            return Behaviors.<Void>empty();
        }), SYSTEM, config);
    }

    /** The exchange settings a driver sends its ranks, from {@code switchyard.exchange}. */
    public static ExchangeSettings exchange(Config config) {
        return new ExchangeSettings(config.getBytes("switchyard.exchange.chunk-bytes"), config.getInt("switchyard.exchange.window"),
                Transport.parse(config.getString("switchyard.exchange.transport")));
    }

    /**
     * Starts the driver node, runs {@code job} on the ranks that register, and waits for the end.
     *
     * @param shutdownNodes stop every rank node when the job ends
     * @param replanner  where the experts go between updates ({@link Replanner#NEVER}: they stay)
     * @param elastic    recover from a lost rank node: its ranks move to the surviving nodes and
     *                   every rank restores the newest complete checkpoint (see {@link ClusterDriver})
     * @param onRecovery told of each recovery; may be null
     */
    public static RunListener.Outcome runDriver(Config config, SimulationOptions job, Replanner replanner, boolean shutdownNodes,
                                                Duration timeout, Consumer<StepMetrics> onStep, boolean elastic,
                                                Consumer<Recovered> onRecovery) {
        SimulationOptions withExchange = job.withExchange(exchange(config));
        Duration discovery = config.getDuration("switchyard.discovery-timeout");
        CompletableFuture<RunListener.Outcome> outcome = new CompletableFuture<>();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
            ActorRef<TrainingRun.Event> listener = ctx.spawn(RunListener.create(onStep, onRecovery, outcome), "listener");
            ctx.spawn(ClusterDriver.create(withExchange.worldSize(), withExchange::rankSettings, withExchange.plan().withReplanner(replanner),
                    HeapEstimate.perRank(withExchange).total(), discovery, listener, shutdownNodes, elastic), "driver");
            return Behaviors.<Void>empty();
        }), SYSTEM, config);
        failWhenTheNodeStops(system, outcome);
        return Jobs.await(system, outcome, timeout);
    }

    /** A driver whose node cannot join (or is downed) must not wait for its whole timeout. */
    private static void failWhenTheNodeStops(ActorSystem<?> system, CompletableFuture<RunListener.Outcome> outcome) {
        system.getWhenTerminated().thenRun(() -> outcome.complete(new RunListener.Outcome(java.util.List.of(), null,
                "the driver's node stopped: " + shutdownReason(system), 0)));
    }

    /** Why a node's actor system stopped, in words, or "unknown". */
    public static String shutdownReason(ActorSystem<?> system) {
        Optional<CoordinatedShutdown.Reason> reason = CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason();
        if (reason.isEmpty()) return "unknown";
        CoordinatedShutdown.Reason r = reason.get();
        if (r instanceof CoordinatedShutdown.ClusterJoinUnsuccessfulReason$)
            return "could not join the cluster through seed nodes " + system.settings().config().getStringList("akka.cluster.seed-nodes");
        if (r instanceof CoordinatedShutdown.ClusterDowningReason$) return "this node was downed by the cluster";
        return r.toString();
    }

    /** Whether the node stopped because it never joined: a user error (wrong or unreachable seed nodes). */
    public static boolean failedToJoin(ActorSystem<?> system) {
        return CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason()
                .map(r -> r instanceof CoordinatedShutdown.ClusterJoinUnsuccessfulReason$).orElse(false);
    }

    /**
     * Blocks until the node's actor system has stopped, or until it has been stopping for
     * {@code grace}: Akka's TLS streams can keep a system from finishing its stop when a peer went
     * away abruptly (akka/akka-core#29162), and a node whose job is over must still exit. False
     * when it gave up waiting.
     */
    public static boolean awaitStopped(ActorSystem<?> system, Duration grace) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(Adapter.toClassic(system));
        long stoppingSince = 0;
        while (true) {
            if (awaitTermination(system, Duration.ofMillis(500))) return true;
            if (shutdown.getShutdownReason().isEmpty()) continue;
            long now = System.nanoTime();
            if (stoppingSince == 0) stoppingSince = now;
            else if (now - stoppingSince > grace.toNanos()) {
                system.log().warn("the actor system did not finish stopping within {} s of its shutdown; exiting anyway", grace.toSeconds());
                return false;
            }
        }
    }

    /** Blocks until the node's actor system has stopped (for at most {@code max}). */
    public static boolean awaitTermination(ActorSystem<?> system, Duration max) {
        try {
            system.getWhenTerminated().toCompletableFuture().get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
