package switchyard.dist;

import org.junit.jupiter.api.Test;
import switchyard.actors.cli.Main;
import switchyard.actors.cluster.ClusterNode;
import switchyard.bench.crossjvm.NodeLauncher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank node's JVM stopped (SIGSTOP) in the middle of a run, as a long garbage collection would
 * stop it: for less than the acceptable pause the run carries on and ends with the digest of an
 * uninterrupted run; for longer, the run fails naming the node and its rank.
 */
class AcceptablePauseIT {
    static final List<String> JOB = List.of("-W", "2", "-S", "128", "-M", "16", "-H", "32", "--steps", "200", "--seed", "7");
    static final Duration PAUSE = Duration.ofSeconds(8);
    static final Pattern STEP_5 = Pattern.compile("(?m)^\\s+5\\s");
    static final Pattern DIGEST = Pattern.compile("(?m)^digest: (\\w+)$");

    @Test
    void aNodePausedForLessThanTheAcceptablePauseDoesNotFailTheRun() throws Exception {
        // nothing in the default configuration may give up on a node during the pause
        var defaults = ClusterNode.config(NodeProcess.CLUSTER_CONF, Map.of());
        for (String limit : List.of("switchyard.acceptable-pause", "switchyard.gather-deadline", "switchyard.data-plane.write-timeout",
                "switchyard.data-plane.connect-timeout", "akka.cluster.failure-detector.acceptable-heartbeat-pause"))
            assertTrue(defaults.getDuration(limit).compareTo(PAUSE) > 0, limit + " must exceed the pause");

        String uninterrupted = simulatedDigest();
        int driverPort = NodeProcess.freePort();
        try (NodeLauncher driver = NodeProcess.startDriver("pause-driver", driverPort, NodeProcess.CLUSTER_CONF, JOB);
             NodeLauncher n0 = NodeProcess.start("pause-node-0", driverPort, "0");
             NodeLauncher n1 = NodeProcess.start("pause-node-1", driverPort, "1")) {
            NodeProcess.awaitLine(driver, STEP_5, Duration.ofSeconds(90));
            NodeProcess.signal(n1, "STOP");
            boolean driverEndedDuringThePause;
            try {
                // the pause under test: what must not happen meanwhile is the driver ending, so wait on that
                driverEndedDuringThePause = driver.process().waitFor(PAUSE.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                NodeProcess.signal(n1, "CONT");
            }
            assertFalse(driverEndedDuringThePause, () -> "the driver ended while node 1 was paused:\n" + driver.logText());
            assertFalse(DIGEST.matcher(driver.logText()).find(), "the run ended during the pause: no step spanned it");

            assertEquals(0, driver.awaitExit(120), () -> "the driver failed:\n" + driver.logText());
            Matcher digest = DIGEST.matcher(driver.logText());
            assertTrue(digest.find(), driver.logText());
            assertEquals(uninterrupted, digest.group(1));
            assertEquals(0, n1.awaitExit(60), () -> "the paused node did not stop cleanly:\n" + n1.logText());
            assertEquals(0, n0.awaitExit(60), () -> "node 0 did not stop cleanly:\n" + n0.logText());
        }
    }

    @Test
    void aNodePausedLongerThanTheAcceptablePauseFailsTheRunNamingIt() throws Exception {
        Path config = NodeProcess.config("short-pause", "switchyard.acceptable-pause = 3s");
        int driverPort = NodeProcess.freePort();
        try (NodeLauncher driver = NodeProcess.startDriver("long-pause-driver", driverPort, config, JOB);
             NodeLauncher n0 = NodeProcess.start("long-pause-node-0", driverPort, "0", config, List.of());
             NodeLauncher n1 = NodeProcess.start("long-pause-node-1", driverPort, "1", config, List.of())) {
            NodeProcess.awaitLine(driver, STEP_5, Duration.ofSeconds(90));
            NodeProcess.signal(n1, "STOP");
            long stopped = System.nanoTime();
            try {
                Integer code = driver.awaitExit(60);
                System.out.printf("the run failed %.1f s after node 1 stopped%n", (System.nanoTime() - stopped) / 1e9);
                assertEquals(1, code, () -> "the driver did not fail:\n" + driver.logText());
            } finally {
                NodeProcess.signal(n1, "CONT");
            }
            String failure = "FAILED: rank 1 on node akka://switchyard@127.0.0.1:" + n1.port + " was lost";
            assertTrue(driver.logText().contains(failure), () -> "expected '" + failure + "' in:\n" + driver.logText());
        }
    }

    /** The digest of {@link #JOB} in one JVM, through the same command line. */
    private static String simulatedDigest() {
        List<String> args = new ArrayList<>(List.of("simulate"));
        args.addAll(JOB);
        StringWriter out = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute(args.toArray(String[]::new)), out.toString());
        Matcher m = DIGEST.matcher(out.toString());
        assertTrue(m.find(), out.toString());
        return m.group(1);
    }
}
