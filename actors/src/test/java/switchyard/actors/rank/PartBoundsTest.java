package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.RowPart;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.task.ClusteredRegression;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exchange parts are checked against their step before anything exists for them: a hostile or
 * broken part is rejected to the driver naming the sender, the step and the field, leaves no trace
 * (the sender's genuine part is still taken), and the rank keeps serving. The three attacks of
 * issue 23 first, then every field on every exchange.
 */
class PartBoundsTest {
    static final ActorTestKit kit = ActorTestKit.create("part-bounds");
    static final Duration MAX = Duration.ofSeconds(20);
    static final int M = 8;
    /** Tokens a rank routes a step. With top-2 over E = 4 experts every expert takes k·S/E = 8 rows from one rank. */
    static final int S = 16;

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    private static RankSettings settings(int localExperts) {
        return new RankSettings(0, 2, localExperts, M, 16, RoutingOptions.builder().build(), 5, OptimizerSpec.parse("sgd"),
                MAX, 8, "best", ExchangeSettings.direct()).withTokensPerStep(S);
    }

    private static Batch batch(int rank, long step, int tokens) {
        ClusteredRegression.Sample b = new ClusteredRegression(new ClusteredRegression.Spec(1, 3, M, tokens)).batch(rank, step);
        return new Batch.Given(b.input(), new Objective.Mse(b.target()));
    }

    /** An empty part (no rows of its own) of a block with these counts, which its constructor accepts. */
    private static RowPart emptyOf(int... counts) {
        return new RowPart(counts, 0, new FMatrixRMaj(0, M));
    }

    /**
     * {@code part} with its counts overwritten by {@code counts} after its constructor checked them.
     * The constructor and the decoder refuse such counts, but in one JVM the record holds the
     * sender's array: the rank must not rely on a check made before the part reached it.
     */
    private static RowPart withCounts(RowPart part, int... counts) {
        System.arraycopy(counts, 0, part.counts(), 0, counts.length);
        return part;
    }

    private static RowPart random(SplittableRandom random, int... counts) {
        return RowPart.whole(RankHarness.randomRows(random, counts, M));
    }

    private static String rejection(RankHarness h) {
        return assertInstanceOf(RankReply.Rejected.class, h.driver.receiveMessage(MAX)).reason();
    }

    private static void expectRejection(RankHarness h, String expected) {
        String reason = rejection(h);
        assertTrue(reason.contains(expected), "expected \"" + expected + "\" in: " + reason);
    }

    // ---- the attacks of issue 23 ---------------------------------------------------------------------

    @Test
    void forgedDispatchesAreRejectedAndTheStepCompletesAsIfTheyNeverCame() {
        RankReply.StepDone[] clean = twoSteps(new RankHarness(kit, settings(2)), h -> { });
        RankReply.StepDone[] attacked = twoSteps(new RankHarness(kit, settings(2)), h -> {
            ActorRef<RankMessage> rank0 = h.ranks.get(0);
            // a step just ahead, from a real rank, before that rank's genuine dispatch: none may take its slot
            rank0.tell(ExchangePart.dispatch(1, 1, true, emptyOf(Integer.MAX_VALUE, 0)));
            expectRejection(h, "Dispatch from rank 1 for step 1: count[0] = 2147483647 exceeds the capacity 8 of one expert");
            rank0.tell(ExchangePart.dispatch(1, 1, true, emptyOf(33_554_431, 0)));
            expectRejection(h, "Dispatch from rank 1 for step 1: count[0] = 33554431 exceeds the capacity 8 of one expert");
            // one row over is as much a refusal as two billion
            rank0.tell(ExchangePart.dispatch(1, 1, true, emptyOf(8, 9)));
            expectRejection(h, "Dispatch from rank 1 for step 1: count[1] = 9 exceeds the capacity 8 of one expert");
            // from ranks that do not exist
            rank0.tell(ExchangePart.dispatch(1, 7, true, emptyOf(Integer.MAX_VALUE, 0)));
            expectRejection(h, "Dispatch from rank 7 for step 1: the sender is not one of the ranks 0..1");
            rank0.tell(ExchangePart.dispatch(1, -1, true, emptyOf(0, 0)));
            expectRejection(h, "Dispatch from rank -1 for step 1: the sender is not one of the ranks 0..1");
        });
        for (int r = 0; r < 2; r++) {
            assertEquals(clean[r].report().taskLoss(), attacked[r].report().taskLoss(), "rank " + r);
            assertArrayEquals(clean[r].gateGradient().data, attacked[r].gateGradient().data, "rank " + r);
            assertArrayEquals(clean[r].tensors().output().data, attacked[r].tensors().output().data, "rank " + r);
            assertArrayEquals(clean[r].tensors().inputGradient().data, attacked[r].tensors().inputGradient().data, "rank " + r);
        }
    }

    /** Steps 0 and 1 (training) on two real ranks, with {@code between} done between them; step 1's results. */
    private static RankReply.StepDone[] twoSteps(RankHarness h, Consumer<RankHarness> between) {
        h.start(0, r -> batch(r, 0, S), true, false);
        h.awaitDone(2, MAX);
        between.accept(h);
        h.start(1, r -> batch(r, 1, S), true, true);
        return h.awaitDone(2, MAX);
    }

    @Test
    void countsWhoseIntSumWrapsToZeroDoNotPassForAnEmptyBlock() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = new RankHarness(kit, settings(3), r -> r == 1 ? peer.getRef() : null);
        peer.expectMessageClass(RankMessage.Roster.class);
        ActorRef<RankMessage> rank0 = h.ranks.get(0);

        // as an int, 2^31-1 + 2^31-1 + 2 is 0: this used to take rank 1's slot as an empty block
        rank0.tell(ExchangePart.dispatch(0, 1, false, withCounts(emptyOf(0, 0, 0), Integer.MAX_VALUE, Integer.MAX_VALUE, 2)));
        // E = 6: 2·16/6 = 5 rows an expert
        expectRejection(h, "Dispatch from rank 1 for step 0: count[0] = 2147483647 exceeds the capacity 5 of one expert");

        // rank 1's genuine empty block is still taken, and the step completes
        rank0.tell(new RankMessage.RunStep(0, batch(0, 0, S), false, false, h.driver.getRef()));
        rank0.tell(ExchangePart.dispatch(0, 1, false, RowPart.whole(ExpertRows.empty(3, M))));
        answerAsPeer(rank0, peer, 0, new SplittableRandom(1));
        assertEquals(0, assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(MAX)).step());
    }

    /** Plays rank 1 answering rank 0's dispatch of {@code step}: the expert outputs, rows as many as were sent. */
    private static ExchangePart answerAsPeer(ActorRef<RankMessage> rank0, TestProbe<RankMessage> peer, long step, SplittableRandom random) {
        ExchangePart toPeer = RankHarness.expectPart(peer, Exchange.DISPATCH, MAX);
        rank0.tell(ExchangePart.expertOutput(step, 1, random(random, toPeer.part().counts())));
        return toPeer;
    }

    // ---- every field on every exchange -----------------------------------------------------------------

    @Test
    void answersMustHaveTheRowsThatWereSent() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = new RankHarness(kit, settings(2), r -> r == 1 ? peer.getRef() : null);
        peer.expectMessageClass(RankMessage.Roster.class);
        ActorRef<RankMessage> rank0 = h.ranks.get(0);
        SplittableRandom random = new SplittableRandom(2);

        rank0.tell(new RankMessage.RunStep(0, batch(0, 0, S), false, false, h.driver.getRef()));
        rank0.tell(ExchangePart.dispatch(0, 1, false, RowPart.whole(ExpertRows.empty(2, M))));
        int[] sent = RankHarness.expectPart(peer, Exchange.DISPATCH, MAX).part().counts().clone();

        int[] more = {sent[0] + 1, sent[1]};
        rank0.tell(ExchangePart.expertOutput(0, 1, random(random, more)));
        expectRejection(h, "ExpertOutput from rank 1 for step 0: count[0] = " + more[0] + ", but rank 0 dispatched " + sent[0]
                + " rows to that expert");
        rank0.tell(ExchangePart.expertOutput(0, 1, random(random, sent[0], sent[1], 0)));
        expectRejection(h, "ExpertOutput from rank 1 for step 0: counts for 3 experts, but the owner has 2 expert slots");
        rank0.tell(ExchangePart.expertOutput(0, 1, RowPart.whole(new ExpertRows(new FMatrixRMaj(sent[0] + sent[1], 6), sent.clone()))));
        expectRejection(h, "ExpertOutput from rank 1 for step 0: rows of width 6, expected M=8");

        rank0.tell(ExchangePart.expertOutput(0, 1, random(random, sent)));
        assertEquals(0, assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(MAX)).step());
        // and once the step is done, a further answer is stale
        rank0.tell(ExchangePart.expertOutput(0, 1, random(random, sent)));
        expectRejection(h, "step 0");
    }

    @Test
    void gradientsRetraceTheDispatchRowForRow() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = new RankHarness(kit, settings(2), r -> r == 1 ? peer.getRef() : null);
        peer.expectMessageClass(RankMessage.Roster.class);
        ActorRef<RankMessage> rank0 = h.ranks.get(0);
        SplittableRandom random = new SplittableRandom(3);
        int[] dispatched = {1, 2};

        // play rank 1 through a whole training step of rank 0
        rank0.tell(new RankMessage.RunStep(0, batch(0, 0, S), true, false, h.driver.getRef()));
        int[] sent = RankHarness.expectPart(peer, Exchange.DISPATCH, MAX).part().counts().clone();
        rank0.tell(ExchangePart.dispatch(0, 1, true, random(random, dispatched)));
        RankHarness.expectPart(peer, Exchange.EXPERT_OUTPUT, MAX);
        rank0.tell(ExchangePart.expertOutput(0, 1, random(random, sent)));
        RankHarness.expectPart(peer, Exchange.OUTPUT_GRAD, MAX);

        rank0.tell(ExchangePart.outputGradient(0, 1, random(random, 2, 1)));
        expectRejection(h, "OutputGradient from rank 1 for step 0: count[0] = 2, but rank 1 dispatched 1 rows to that expert");
        rank0.tell(ExchangePart.outputGradient(0, 1, random(random, dispatched)));
        RankHarness.expectPart(peer, Exchange.INPUT_GRAD, MAX);

        int[] fewer = {sent[0], sent[1] + 1};
        rank0.tell(ExchangePart.inputGradient(0, 1, random(random, fewer)));
        expectRejection(h, "InputGradient from rank 1 for step 0: count[1] = " + fewer[1] + ", but rank 0 dispatched " + sent[1]
                + " rows to that expert");
        rank0.tell(ExchangePart.inputGradient(0, 1, random(random, sent)));
        assertEquals(0, assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(MAX)).step());
    }

    @Test
    void aRefusedPartLeavesNoTraceInItsGather() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = new RankHarness(kit, settings(2), r -> r == 1 ? peer.getRef() : null);
        peer.expectMessageClass(RankMessage.Roster.class);
        ActorRef<RankMessage> rank0 = h.ranks.get(0);
        ExpertRows block = RankHarness.randomRows(new SplittableRandom(4), new int[] {2, 1}, M);

        rank0.tell(ExchangePart.dispatch(0, 1, false, withCounts(emptyOf(0, 0), -1, 1)));
        expectRejection(h, "Dispatch from rank 1 for step 0: count[0] = -1 is negative");
        rank0.tell(ExchangePart.dispatch(0, 1, false, withCounts(new RowPart(new int[] {2, 1}, 2, block.rows(), 2, 1), 1, 0)));
        expectRejection(h, "Dispatch from rank 1 for step 0: rows 2..2 lie outside its block of 1 rows");
        rank0.tell(ExchangePart.dispatch(0, 1, false, RowPart.whole(new ExpertRows(new FMatrixRMaj(0, 6), new int[2]))));
        expectRejection(h, "Dispatch from rank 1 for step 0: rows of width 6, expected M=8");
        // a genuine block's last part first: the gather wants its rows in order, and keeps nothing of it
        rank0.tell(ExchangePart.dispatch(0, 1, false, RowPart.split(block, 2).get(1)));
        expectRejection(h, "part from rank 1 starts at row 2, expected 0 for step 0");

        for (RowPart part : RowPart.split(block, 2)) rank0.tell(ExchangePart.dispatch(0, 1, false, part));
        rank0.tell(ExchangePart.dispatch(0, 1, false, RowPart.whole(block)));
        expectRejection(h, "duplicate DISPATCH message from rank 1 for step 0");

        rank0.tell(new RankMessage.RunStep(0, batch(0, 0, S), false, false, h.driver.getRef()));
        answerAsPeer(rank0, peer, 0, new SplittableRandom(5));
        ExchangePart answer = RankHarness.expectPart(peer, Exchange.EXPERT_OUTPUT, MAX);
        assertArrayEquals(block.counts(), answer.part().counts(), "rank 0 answered the genuine block");
        assertEquals(0, assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(MAX)).step());
    }

    @Test
    void aRankRoutesNoMoreTokensThanTheJobSaysAndServesOnAfterwards() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = new RankHarness(kit, settings(2), r -> r == 1 ? peer.getRef() : null);
        peer.expectMessageClass(RankMessage.Roster.class);
        ActorRef<RankMessage> rank0 = h.ranks.get(0);
        rank0.tell(new RankMessage.RunStep(0, batch(0, 0, S + 1), false, false, h.driver.getRef()));
        RankReply.StepFailed tooMany = assertInstanceOf(RankReply.StepFailed.class, h.driver.receiveMessage(MAX));
        assertTrue(tooMany.reason().contains("got 17 tokens for step 0 but the job routes at most 16 a step"), tooMany.reason());

        rank0.tell(new RankMessage.RunStep(1, batch(0, 1, S), false, false, h.driver.getRef()));
        rank0.tell(ExchangePart.dispatch(1, 1, false, RowPart.whole(ExpertRows.empty(2, M))));
        answerAsPeer(rank0, peer, 1, new SplittableRandom(6));
        assertEquals(1, assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(MAX)).step());
    }
}
