package switchyard.actors.cluster;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The acceptable pause: handed to Akka's failure detector, outlasted by every limit, waited out by the driver. */
class FailureDetectionTest {
    private static final Path CLUSTER_CONF = Path.of("..", "cluster-config", "cluster.conf");

    @Test
    void clusterConfHandsTheAcceptablePauseToAkkasFailureDetector() {
        var config = ClusterNode.config(CLUSTER_CONF, Map.of());
        assertEquals(Duration.ofSeconds(15), config.getDuration(FailureDetection.ACCEPTABLE_PAUSE));
        assertEquals(Duration.ofSeconds(15), config.getDuration("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        assertEquals(Duration.ZERO, FailureDetection.of(config).unreachableGrace(), "the detector has waited the whole pause already");

        var longer = ClusterNode.config(CLUSTER_CONF, Map.of(FailureDetection.ACCEPTABLE_PAUSE, "18s"));
        assertEquals(Duration.ofSeconds(18), longer.getDuration("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
    }

    @Test
    void theDriverWaitsOutWhatTheDetectorDoesNotCover() {
        var quickDetector = new FailureDetection(Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ofSeconds(30));
        assertEquals(Duration.ofSeconds(12), quickDetector.unreachableGrace());
        var slowDetector = new FailureDetection(Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(30));
        assertEquals(Duration.ZERO, slowDetector.unreachableGrace());
    }

    @Test
    void aLimitThatWouldFireDuringAnAcceptablePauseIsRefused() {
        var f = new FailureDetection(Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(30));
        f.requireOutlasts("the gather deadline", Duration.ofSeconds(60));
        var e = assertThrows(IllegalArgumentException.class, () -> f.requireOutlasts("the gather deadline (--deadline)", Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("the gather deadline (--deadline) is 10 s but must be longer than switchyard.acceptable-pause (15 s)"),
                e.getMessage());

        var writes = assertThrows(IllegalArgumentException.class, () -> ClusterNode.config(CLUSTER_CONF,
                Map.of("switchyard.data-plane.write-timeout", "12s")));
        assertTrue(writes.getMessage().contains("switchyard.data-plane.write-timeout is 12 s"), writes.getMessage());
    }

    @Test
    void durationsReadAsSeconds() {
        assertEquals("30 s", FailureDetection.seconds(Duration.ofSeconds(30)));
        assertEquals("1.5 s", FailureDetection.seconds(Duration.ofMillis(1500)));
        assertEquals(Duration.ofSeconds(30), FailureDetection.of(ConfigFactory.load()).driverLostTimeout());
    }
}
