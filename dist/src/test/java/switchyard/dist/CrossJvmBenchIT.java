package switchyard.dist;

import org.junit.jupiter.api.Test;
import switchyard.bench.crossjvm.CrossJvmBench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cross-JVM bench from the packaged jar, shrunk to one small size and no warm-up: a second JVM
 * joins as the bench's peer node, and the all-to-all completes over the data plane, over Artery
 * (1 MiB parts on its large-message lane) and as a raw socket copy.
 */
class CrossJvmBenchIT {

    @Test
    void theAllToAllCompletesOverEveryTransportBetweenTwoJvms() throws Exception {
        Path jar = Path.of("target", "switchyard.jar");
        assertTrue(Files.isRegularFile(jar), jar.toAbsolutePath() + " is missing: run `mvn package` first");
        CrossJvmBench.Results r = CrossJvmBench.run(jar.toString(), Path.of("..", "cluster-config", "cluster.conf"),
                List.of(2L << 20), 1, 0, null, "vector", 0, 0, Path.of("target", "it-logs"), true);
        assertEquals(1, r.exchanges().size());
        CrossJvmBench.ExchangeRates x = r.exchanges().get(0);
        assertTrue(x.sealed() && x.switchyardMBps() > 0 && x.arteryMBps() > 0 && x.rawSocketMBps() > 0, x.toString());
        assertNull(r.layer());
    }
}
