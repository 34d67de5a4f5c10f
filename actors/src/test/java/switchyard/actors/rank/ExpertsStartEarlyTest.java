package switchyard.actors.rank;

import switchyard.actors.protocol.Exchange;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.exchange.ExchangeSettings;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.RowPart;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.task.ClusteredRegression;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * With a chunked exchange, a rank's experts start on the rows that have arrived while the rest are
 * still on the way, and each expert's answers leave before the next rows come in. Rank 1 is a
 * probe that sends rank 0 its rows one part (one row) at a time and holds back local expert 1's
 * rows until local expert 0's answers are back. The answers and gradients must be the same bits
 * as when every block travels whole.
 */
class ExpertsStartEarlyTest {
    static final ActorTestKit kit = ActorTestKit.create("early");
    /** switchyard.early-experts = off: experts wait for whole blocks. */
    static final ActorTestKit late = ActorTestKit.create("late",
            ConfigFactory.parseString("switchyard.early-experts = off").withFallback(ActorTestKit.applicationTestConfig()));
    private static final int DIM = 6;
    private static final int[] PEER_COUNTS = {3, 2}; // the peer's rows for rank 0's local experts 0 and 1
    private static final Duration MAX = Duration.ofSeconds(10);

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
        late.shutdownTestKit();
    }

    @Test
    void expertsAnswerTheirRowsBeforeTheRestArriveWithTheWholeBlocksBits() {
        Result chunked = run(kit, new ExchangeSettings(4L * DIM, 0)); // one row per part
        Result whole = run(kit, ExchangeSettings.direct());
        assertArrayEquals(whole.outputs.data, chunked.outputs.data);
        assertArrayEquals(whole.inputGradients.data, chunked.inputGradients.data);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(whole.grads.experts().get(l).w1().data, chunked.grads.experts().get(l).w1().data);
            assertArrayEquals(whole.grads.experts().get(l).b1().data, chunked.grads.experts().get(l).b1().data);
            assertArrayEquals(whole.grads.experts().get(l).w2().data, chunked.grads.experts().get(l).w2().data);
            assertArrayEquals(whole.grads.experts().get(l).b2().data, chunked.grads.experts().get(l).b2().data);
        }
    }

    @Test
    void switchedOffExpertsWaitForWholeBlocksWithTheSameBits() {
        Result waiting = run(late, new ExchangeSettings(4L * DIM, 0));
        Result early = run(kit, new ExchangeSettings(4L * DIM, 0));
        assertArrayEquals(early.outputs.data, waiting.outputs.data);
        assertArrayEquals(early.inputGradients.data, waiting.inputGradients.data);
        for (int l = 0; l < 2; l++) assertArrayEquals(early.grads.experts().get(l).w1().data, waiting.grads.experts().get(l).w1().data);
    }

    /** What rank 0 sent the peer for the peer's rows, and its experts' gradients. */
    private record Result(FMatrixRMaj outputs, FMatrixRMaj inputGradients, RankReply.Gradients grads) {}

    private Result run(ActorTestKit kit, ExchangeSettings exchange) {
        boolean chunked = exchange.rowsPerPart(DIM) > 0;
        boolean early = kit == ExpertsStartEarlyTest.kit;
        RankSettings s = new RankSettings(0, 2, 2, DIM, 10, RoutingOptions.builder().dropless(true).build(), 11,
                OptimizerSpec.parse("sgd"), Duration.ofSeconds(20), 8, "best", exchange);
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = new RankHarness(kit, s, r -> r == 1 ? peer.getRef() : null);
        ActorRef<RankMessage> rank0 = h.ranks.get(0);
        peer.expectMessageClass(RankMessage.Roster.class);

        ClusteredRegression.Sample b = new ClusteredRegression(new ClusteredRegression.Spec(4, 2, DIM, 16)).batch(0, 0);
        rank0.tell(new RankMessage.RunStep(0, new Batch.Given(b.input(), new Objective.Mse(b.target())), true, true, h.driver.getRef()));
        int[] rank0Counts = new Answers().receive(peer, Exchange.DISPATCH, -1).counts;

        // forward: the peer's rows for expert 0, then (only once expert 0 has answered them) expert 1's
        ExpertRows peerRows = RankHarness.randomRows(new SplittableRandom(99), PEER_COUNTS, DIM);
        Answers outputs = streamAndCollect(peerRows, chunked, early, part -> ExchangePart.dispatch(0, 1, true, part),
                peer, rank0, Exchange.EXPERT_OUTPUT);

        // the peer's experts answer rank 0's rows; rank 0 then sends output gradients both ways
        SplittableRandom answers = new SplittableRandom(7);
        rank0.tell(ExchangePart.expertOutput(0, 1, RowPart.whole(RankHarness.randomRows(answers, rank0Counts, DIM))));
        new Answers().receive(peer, Exchange.OUTPUT_GRAD, -1);

        // backward: the same again with the peer's output gradients
        Answers inputGradients = streamAndCollect(RankHarness.randomRows(answers, PEER_COUNTS, DIM), chunked, early, part -> ExchangePart.outputGradient(0, 1, part),
                peer, rank0, Exchange.INPUT_GRAD);
        rank0.tell(ExchangePart.inputGradient(0, 1, RowPart.whole(RankHarness.randomRows(answers, rank0Counts, DIM))));

        assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(MAX));
        rank0.tell(new RankMessage.InspectGradients(0, h.driver.getRef()));
        RankReply.Gradients grads = assertInstanceOf(RankReply.Gradients.class, h.driver.receiveMessage(MAX));
        return new Result(outputs.rows, inputGradients.rows, grads);
    }

    /**
     * Sends {@code rows} to rank 0 and collects its answers. Chunked: expert 0's rows one part each,
     * then waits until rank 0 has answered all of them before sending expert 1's (when experts
     * start early; else it checks that no answer comes before the block is whole); whole: one part.
     */
    private static Answers streamAndCollect(
            ExpertRows rows, boolean chunked, boolean early, Function<RowPart, RankMessage> message, TestProbe<RankMessage> peer,
            ActorRef<RankMessage> rank0, Exchange answer) {
        Answers answers = new Answers();
        if (!chunked) {
            rank0.tell(message.apply(RowPart.whole(rows)));
            return answers.receive(peer, answer, -1);
        }
        List<RowPart> parts = RowPart.split(rows, 1);
        int expert0 = PEER_COUNTS[0];
        for (int i = 0; i < expert0; i++) rank0.tell(message.apply(parts.get(i)));
        if (early) answers.receive(peer, answer, expert0); // times out if expert 0 waits for the whole block
        else peer.expectNoMessage(Duration.ofMillis(300));
        for (int i = expert0; i < parts.size(); i++) rank0.tell(message.apply(parts.get(i)));
        return answers.receive(peer, answer, -1);
    }

    /** Parts of one block coming back to the peer, assembled in order. */
    private static final class Answers {
        FMatrixRMaj rows;
        int[] counts;
        int received;

        /** Receives parts of {@code exchange} until {@code n} more rows came (all the rest when negative). */
        Answers receive(TestProbe<RankMessage> peer, Exchange exchange, int n) {
            int got = 0;
            do {
                RowPart part = RankHarness.expectPart(peer, exchange, MAX).part();
                if (rows == null) {
                    rows = new FMatrixRMaj(part.total(), DIM);
                    counts = part.counts().clone();
                }
                assertEquals(received, part.firstRow(), "parts continue where the last ended");
                assertEquals(rows.numRows, part.total(), "parts of one block");
                part.copyTo(rows.data, part.firstRow() * DIM);
                received += part.numRows();
                got += part.numRows();
            } while (n < 0 ? received < rows.numRows : got < n);
            return this;
        }
    }
}
