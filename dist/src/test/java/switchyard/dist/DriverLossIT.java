package switchyard.dist;

import org.junit.jupiter.api.Test;
import switchyard.bench.crossjvm.NodeLauncher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of the driver node in the middle of a run: the rank node notices by itself and exits with
 * code 1, naming the driver and how long it has been unreachable, instead of waiting for a driver
 * that will never come back.
 */
class DriverLossIT {
    /** Short, so that the test is: the failure detector then gives up on the driver after about this. */
    static final Duration ACCEPTABLE_PAUSE = Duration.ofSeconds(3);
    static final Duration DRIVER_LOST_TIMEOUT = Duration.ofSeconds(5);
    /** Failure detection beyond the acceptable pause (heartbeat interval, threshold), and stopping the node. */
    static final Duration MARGIN = Duration.ofSeconds(15);

    @Test
    void aRankNodeWhoseDriverIsKilledStopsNamingTheDriver() throws Exception {
        Path config = NodeProcess.config("driver-loss", "switchyard.acceptable-pause = " + ACCEPTABLE_PAUSE.toSeconds() + "s");
        int driverPort = NodeProcess.freePort();
        try (NodeLauncher driver = NodeProcess.startDriver("driver-loss-driver", driverPort, config,
                List.of("-W", "2", "-S", "128", "-M", "16", "-H", "32", "--steps", "100000"));
             NodeLauncher rank = NodeProcess.start("driver-loss-rank", driverPort, "0,1", config,
                     List.of("--driver-lost-timeout", Long.toString(DRIVER_LOST_TIMEOUT.toSeconds())))) {
            NodeProcess.awaitLine(driver, Pattern.compile("(?m)^\\s+2\\s"), Duration.ofSeconds(90)); // the run is under way

            driver.kill();
            long killed = System.nanoTime();
            Duration limit = ACCEPTABLE_PAUSE.plus(DRIVER_LOST_TIMEOUT).plus(MARGIN);
            Integer code = rank.awaitExit(limit.toSeconds());
            double seconds = (System.nanoTime() - killed) / 1e9;

            assertEquals(1, code, () -> "the rank node did not exit with 1 within " + limit + ":\n" + rank.logText());
            String expected = "node stopped: the driver node akka://switchyard@127.0.0.1:" + driverPort + " was lost (unreachable for "
                    + DRIVER_LOST_TIMEOUT.toSeconds() + " s)";
            assertTrue(rank.logText().contains(expected), () -> "expected '" + expected + "' in:\n" + rank.logText());
            System.out.printf("the rank node stopped %.1f s after kill -9 of the driver%n", seconds);
        }
    }
}
