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
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.RowPart;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertShard;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.layer.ModelInit;
import switchyard.math.optim.Optimizer;
import switchyard.math.optim.OptimizerState;
import switchyard.math.placement.Placement;
import switchyard.math.task.ClusteredRegression;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expert moves a rank must refuse, each without effect: from the wrong sender, into the wrong slot,
 * of the wrong expert, of the wrong shape, with optimizer state that does not fit, and any move when
 * no re-placement waits for it. Rank 0 is real; a probe plays rank 1 through a training step and an
 * update that swaps expert 0 (rank 0's) with expert 2 (rank 1's), so rank 0 waits for expert 2 from
 * rank 1. A rank 1 that never sends fails the update at the gather deadline, naming it. A move that
 * comes before its update waits for it (no more than the rank's slots), and an update of no steps
 * cannot move experts.
 */
class HostileExpertMovesTest {
    static final ActorTestKit kit = ActorTestKit.create("hostile-moves");
    static final Duration MAX = Duration.ofSeconds(20);
    /** Short, for the silent sender; the gathers of the step played before it finish well within it. */
    static final Duration DEADLINE = Duration.ofSeconds(1);
    /** Scheduling head-room on a loaded 2-core machine, on top of the deadline. */
    static final Duration MARGIN = Duration.ofSeconds(5);
    static final int M = 8, H = 16, S = 16;
    static final long SEED = 5;
    static final OptimizerSpec ADAM = OptimizerSpec.parse("adam:lr=0.01");
    /** Experts 0 and 2 change ranks; expert 1 stays in rank 0's slot 1. */
    static final Placement SWAPPED = Placement.parse("W=2 L=2 R=0 | 2 1 | 0 3");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    /** Rank 0 real, rank 1 the returned probe, after a training step and the update that swaps experts 0 and 2. */
    private static void waitingForExpertTwo(RankHarness h, TestProbe<RankMessage> peer) {
        RankReply.StepDone done = stepPlayingRankOne(h, peer);
        h.ranks.get(0).tell(new RankMessage.ApplyUpdate(new long[] {0}, done.gateGradient(), List.of(), null, List.of(), SWAPPED,
                h.driver.getRef()));
        // rank 0 sends expert 0 to rank 1, its new home, once its own update is done
        RankMessage.ExpertMove out = assertInstanceOf(RankMessage.ExpertMove.class, peer.receiveMessage(MAX));
        assertEquals(List.of(0L, 0, 0, 0), List.of(out.update(), out.from(), out.slot(), out.expert()), out.toString());
    }

    private static RankHarness harness(Duration deadline, TestProbe<RankMessage> peer) {
        RankSettings s = new RankSettings(0, 2, 2, M, H, RoutingOptions.builder().build(), SEED, ADAM, deadline, 8, "best",
                ExchangeSettings.direct()).withTokensPerStep(S);
        RankHarness h = new RankHarness(kit, s, r -> r == 1 ? peer.getRef() : null);
        peer.expectMessageClass(RankMessage.Roster.class);
        return h;
    }

    /** Plays rank 1 through training step 0 of rank 0: its own rows for rank 0's experts, and answers to rank 0's. */
    private static RankReply.StepDone stepPlayingRankOne(RankHarness h, TestProbe<RankMessage> peer) {
        ActorRef<RankMessage> rank0 = h.ranks.get(0);
        SplittableRandom random = new SplittableRandom(7);
        int[] dispatched = {1, 2};
        ClusteredRegression.Sample b = new ClusteredRegression(new ClusteredRegression.Spec(1, 3, M, S)).batch(0, 0);
        rank0.tell(new RankMessage.RunStep(0, new Batch.Given(b.input(), new Objective.Mse(b.target())), true, false, h.driver.getRef()));
        int[] sent = RankHarness.expectPart(peer, Exchange.DISPATCH, MAX).part().counts().clone();
        rank0.tell(ExchangePart.dispatch(0, 1, true, rows(random, dispatched)));
        RankHarness.expectPart(peer, Exchange.EXPERT_OUTPUT, MAX);
        rank0.tell(ExchangePart.expertOutput(0, 1, rows(random, sent)));
        RankHarness.expectPart(peer, Exchange.OUTPUT_GRAD, MAX);
        rank0.tell(ExchangePart.outputGradient(0, 1, rows(random, dispatched)));
        RankHarness.expectPart(peer, Exchange.INPUT_GRAD, MAX);
        rank0.tell(ExchangePart.inputGradient(0, 1, rows(random, sent)));
        return assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(MAX));
    }

    private static RowPart rows(SplittableRandom random, int[] counts) {
        return RowPart.whole(RankHarness.randomRows(random, counts, M));
    }

    /**
     * A move after step 0 of expert {@code e} (with H = {@code hidden}) from rank {@code from} into
     * {@code slot}, with the Adam state of one update of expert {@code stateOf}: its parameters' names.
     */
    private static RankMessage.ExpertMove move(int from, int slot, int e, int hidden, int stateOf) {
        Expert weights = ModelInit.expert(SEED, e, M, hidden);
        Expert stepped = weights.copy();
        Optimizer adam = ADAM.create();
        adam.step(new ExpertShard(new int[] {stateOf}, List.of(stepped)).params(0, stepped.newGrads()));
        return new RankMessage.ExpertMove(0, from, slot, e, weights, adam.state());
    }

    private static RankMessage.ExpertMove withState(RankMessage.ExpertMove m, OptimizerState state) {
        return new RankMessage.ExpertMove(m.update(), m.from(), m.slot(), m.expert(), m.weights(), state);
    }

    private static RankReply.ParameterDigest digest(RankHarness h) {
        h.ranks.get(0).tell(new RankMessage.ReportDigest(h.driver.getRef()));
        return assertInstanceOf(RankReply.ParameterDigest.class, h.driver.receiveMessage(MAX));
    }

    /** The digest a rank reports for a slot holding {@code e}. */
    private static byte[] digestOf(Expert e) {
        return ParameterDigests.of(List.of(e.w1(), e.b1(), e.w2(), e.b2()));
    }

    private static void assertSameParameters(RankReply.ParameterDigest expected, RankReply.ParameterDigest actual) {
        assertArrayEquals(expected.gate(), actual.gate(), "the gate");
        assertEquals(expected.experts().size(), actual.experts().size());
        for (int l = 0; l < expected.experts().size(); l++)
            assertArrayEquals(expected.experts().get(l), actual.experts().get(l), "slot " + l);
    }

    /** The state of {@code spec}'s optimizer after one step of expert {@code e}. */
    private static switchyard.math.optim.OptimizerState stateOf(OptimizerSpec spec, int e) {
        Expert stepped = ModelInit.expert(SEED, e, M, H);
        Optimizer o = spec.create();
        o.step(new ExpertShard(new int[] {e}, List.of(stepped)).params(0, stepped.newGrads()));
        return o.state();
    }

    private static void refused(RankHarness h, RankMessage.ExpertMove m, String expected) {
        h.ranks.get(0).tell(m);
        expectRefusal(h, expected);
    }

    private static void expectRefusal(RankHarness h, String expected) {
        String reason = assertInstanceOf(RankReply.Rejected.class, h.driver.receiveMessage(MAX)).reason();
        assertTrue(reason.contains(expected), "expected \"" + expected + "\" in: " + reason);
    }

    @Test
    void wrongMovesAreRefusedWithoutEffectAndTheGenuineOneCompletesTheUpdate() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = harness(MAX, peer);
        waitingForExpertTwo(h, peer);
        RankReply.ParameterDigest before = digest(h);
        String slot0 = "the move of expert 2 from rank 1 into slot 0 of rank 0: ";

        refused(h, move(0, 0, 2, H, 2), "the move of expert 2 from rank 0 into slot 0 of rank 0: rank 1 sends that slot's expert");
        refused(h, move(1, 1, 2, H, 2), "the move of expert 2 from rank 1 into slot 1 of rank 0: the slot is filled already");
        refused(h, move(1, 2, 2, H, 2), "the move of expert 2 from rank 1 into slot 2 of rank 0: no such slot");
        refused(h, move(1, -1, 2, H, 2), "the move of expert 2 from rank 1 into slot -1 of rank 0: no such slot");
        refused(h, move(1, 0, 3, H, 3), "the move of expert 3 from rank 1 into slot 0 of rank 0: the slot takes expert 2");
        refused(h, move(1, 0, 2, H + 4, 2), slot0 + "its parameters are M=8 H=20, expected M=8 H=16");
        refused(h, move(1, 0, 2, H, 3), slot0 + "its optimizer state does not fit: state has parameter 'expert3.W1'");
        refused(h, withState(move(1, 0, 2, H, 2), move(1, 0, 2, H + 4, 2).state()),
                slot0 + "its optimizer state does not fit: parameter 'expert2.W1' is 8×16 but its saved state is 8×20");
        refused(h, withState(move(1, 0, 2, H, 2), stateOf(OptimizerSpec.parse("adam:lr=0.5"), 2)), // the job's Adam has lr=0.01
                slot0 + "its optimizer state does not fit");
        assertSameParameters(before, digest(h));

        RankMessage.ExpertMove genuine = move(1, 0, 2, H, 2);
        h.ranks.get(0).tell(genuine);
        RankReply.Updated updated = assertInstanceOf(RankReply.Updated.class, h.driver.receiveMessage(MAX));
        assertArrayEquals(new long[] {0}, updated.steps());
        RankReply.ParameterDigest after = digest(h);
        assertArrayEquals(digestOf(genuine.weights()), after.experts().get(0), "slot 0 holds the move");
        assertArrayEquals(before.experts().get(1), after.experts().get(1), "slot 1 kept expert 1");

        // the re-placement is over: the same move again, or an older one, belongs to none
        refused(h, genuine, "an expert move from rank 1 after step 0, which rank 0 does not expect");
        refused(h, new RankMessage.ExpertMove(-1, 1, 0, 2, genuine.weights(), genuine.state()),
                "an expert move from rank 1 after step -1, which rank 0 does not expect");
        assertSameParameters(after, digest(h));
    }

    /**
     * A sender may be done with its update before this rank starts its own: its move waits, and
     * completes the re-placement as it starts. At most L + R moves wait; one more is refused, and a
     * wrong one that waited is refused when its re-placement starts.
     */
    @Test
    void aMoveThatComesBeforeItsUpdateWaitsForItAndNoMoreThanTheSlotsWait() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = harness(MAX, peer);
        RankReply.StepDone done = stepPlayingRankOne(h, peer);
        RankReply.ParameterDigest before = digest(h);
        RankMessage.ExpertMove genuine = move(1, 0, 2, H, 2);
        h.ranks.get(0).tell(genuine);
        h.ranks.get(0).tell(move(1, 1, 2, H, 2)); // wrong slot, but nothing can tell yet
        refused(h, move(1, 0, 3, H, 3), "an expert move from rank 1 after step 0, which rank 0 does not expect");
        // only the update whose steps this rank just ran may have early moves: one for a later update is refused
        RankMessage.ExpertMove later = move(1, 0, 2, H, 2);
        refused(h, new RankMessage.ExpertMove(3, later.from(), later.slot(), later.expert(), later.weights(), later.state()),
                "an expert move from rank 1 after step 3, which rank 0 does not expect");
        assertSameParameters(before, digest(h));

        h.ranks.get(0).tell(new RankMessage.ApplyUpdate(new long[] {0}, done.gateGradient(), List.of(), null, List.of(), SWAPPED,
                h.driver.getRef()));
        assertInstanceOf(RankReply.Updated.class, h.driver.receiveMessage(MAX));
        expectRefusal(h, "an expert move from rank 1 after step 0, which rank 0 does not expect"); // the wrong slot's
        assertArrayEquals(digestOf(genuine.weights()), digest(h).experts().get(0), "slot 0 holds the move");
    }

    /** A move held for the update just run is refused when that update moves no expert: nothing stays held for a later one. */
    @Test
    void movesHeldForAnUpdateThatMovesNothingAreRefusedThen() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = harness(MAX, peer);
        RankReply.StepDone done = stepPlayingRankOne(h, peer);
        RankReply.ParameterDigest before = digest(h);
        h.ranks.get(0).tell(move(1, 0, 2, H, 2)); // held: its sender may be a step ahead
        h.ranks.get(0).tell(new RankMessage.ApplyUpdate(new long[] {0}, done.gateGradient(), List.of(), null, List.of(), null,
                h.driver.getRef()));
        expectRefusal(h, "the update after step 0 moves no expert");
        assertInstanceOf(RankReply.Updated.class, h.driver.receiveMessage(MAX));
        assertFalse(java.util.Arrays.equals(digestOf(move(1, 0, 2, H, 2).weights()), digest(h).experts().get(0)), "slot 0 kept its expert");
        assertEquals(before.experts().size(), digest(h).experts().size());
    }

    /** Without steps there is no update for the moves to follow: refused at once, and nothing changes. */
    @Test
    void anUpdateOfNoStepsThatWouldMoveExpertsIsRefused() {
        RankHarness h = harness(MAX, kit.createTestProbe(RankMessage.class));
        RankReply.ParameterDigest before = digest(h);
        h.ranks.get(0).tell(new RankMessage.ApplyUpdate(new long[0], new FMatrixRMaj(M, 4), List.of(), null, List.of(),
                SWAPPED, h.driver.getRef()));
        RankReply.StepFailed failed = assertInstanceOf(RankReply.StepFailed.class, h.driver.receiveMessage(MAX));
        assertEquals(Phase.UPDATE, failed.phase());
        assertEquals("rank 0 cannot move experts after an update of no steps", failed.reason());
        assertSameParameters(before, digest(h));
    }

    @Test
    void aSenderThatNeverSendsFailsTheUpdateAtTheDeadlineNamingIt() {
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = harness(DEADLINE, peer);
        waitingForExpertTwo(h, peer);
        RankReply.StepFailed failed = assertInstanceOf(RankReply.StepFailed.class, h.driver.receiveMessage(DEADLINE.plus(MARGIN)));
        assertEquals(Phase.UPDATE, failed.phase());
        assertEquals(0, failed.step());
        assertEquals(0, failed.rank());
        assertEquals("rank 0 got no expert moves from ranks [1] within 1000 ms after step 0", failed.reason());
        assertArrayEquals(new int[] {1}, failed.missing());
        // the rank carries on with its own experts, and the late move belongs to no re-placement
        RankReply.ParameterDigest kept = digest(h);
        refused(h, move(1, 0, 2, H, 2), "an expert move from rank 1 after step 0, which rank 0 does not expect");
        assertSameParameters(kept, digest(h));
    }
}
