package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchyard.actors.checkpoint.RankCheckpoint;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.math.gate.RoutingOptions;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A rank writes its checkpoint off its own thread: while the file cannot be written (a named pipe
 * nobody reads blocks the writer), the rank still answers, refuses a second save, and reports the
 * first once the write completes.
 */
class CheckpointIoTest {
    static final ActorTestKit kit = ActorTestKit.create("checkpoint-io");
    static final Duration MAX = Duration.ofSeconds(20);

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @Test
    void aBlockedWriteLeavesTheRankServingAndRefusingASecondSave(@TempDir Path dir) throws Exception {
        Path pipe = dir.resolve(RankCheckpoint.file(dir, 0).getFileName() + ".tmp");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0 && Files.exists(pipe), "mkfifo is not available here");

        RankSettings s = new RankSettings(0, 1, 2, 8, 16, RoutingOptions.reference(), 3, OptimizerSpec.parse("sgd"),
                MAX, 8, "best", ExchangeSettings.direct());
        RankHarness h = new RankHarness(kit, s);
        var rank = h.ranks.get(0);
        rank.tell(new RankMessage.SaveCheckpoint(dir.toString(), 1, h.driver.getRef()));
        rank.tell(new RankMessage.ReportDigest(h.driver.getRef()));
        assertInstanceOf(RankReply.ParameterDigest.class, h.driver.receiveMessage(MAX), "the rank answers while its file is written");
        rank.tell(new RankMessage.SaveCheckpoint(dir.toString(), 1, h.driver.getRef()));
        RankReply.Rejected second = assertInstanceOf(RankReply.Rejected.class, h.driver.receiveMessage(MAX));
        assertTrue(second.reason().contains("already being written"), second.reason());

        long bytes;
        try (InputStream drain = Files.newInputStream(pipe)) { // the writer was blocked opening the pipe: let it through
            bytes = drain.readAllBytes().length;
        }
        RankReply.CheckpointSaved saved = assertInstanceOf(RankReply.CheckpointSaved.class, h.driver.receiveMessage(MAX));
        assertEquals(RankCheckpoint.file(dir, 0).toString(), saved.path());
        assertTrue(bytes > 0, "the checkpoint went through the pipe");
    }
}
