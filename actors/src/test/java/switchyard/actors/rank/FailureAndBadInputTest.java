package switchyard.actors.rank;

import switchyard.actors.protocol.Exchange;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.exchange.ExchangeSettings;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.RowPart;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.task.ClusteredRegression;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deadlines, silent peers and bad input: errors are values, and ranks keep serving afterwards. */
class FailureAndBadInputTest {
    static final ActorTestKit kit = ActorTestKit.create("failures");
    static final Duration DEADLINE = Duration.ofSeconds(1);
    /** Scheduling head-room on a loaded 2-core machine, on top of the deadline. */
    static final Duration MARGIN = Duration.ofSeconds(5);

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    private static RankSettings settings(int worldSize, int modelDim) {
        return new RankSettings(0, worldSize, 1, modelDim, 16, RoutingOptions.builder().build(), 5, OptimizerSpec.parse("sgd"),
                DEADLINE, 8, "best", ExchangeSettings.direct());
    }

    private static Batch batch(int rank, long step, int tokens, int dim) {
        ClusteredRegression.Sample b = new ClusteredRegression(new ClusteredRegression.Spec(1, 3, dim, tokens)).batch(rank, step);
        return new Batch.Given(b.input(), new Objective.Mse(b.target()));
    }

    @Test
    void aSilentPeerFailsTheStepWithinTheDeadlineAndRanksKeepServing() {
        RankSettings s = settings(3, 8);
        TestProbe<RankMessage> silent = kit.createTestProbe(RankMessage.class);
        RankHarness h = new RankHarness(kit, s, r -> r == 2 ? silent.getRef() : null);
        h.start(0, r -> batch(r, 0, 12, 8), true, false);

        for (int i = 0; i < 2; i++) {
            RankReply reply = h.driver.receiveMessage(DEADLINE.plus(MARGIN));
            RankReply.StepFailed failed = assertInstanceOf(RankReply.StepFailed.class, reply);
            assertEquals(0, failed.step());
            assertTrue(failed.phase() == Phase.DISPATCH || failed.phase() == Phase.EXPERT_OUTPUT, failed.toString());
            assertArrayEquals(new int[] {2}, failed.missing(), failed.toString());
            assertTrue(failed.toString().contains("missing ranks [2]"), failed.toString());
        }

        // the same two ranks serve the next step once rank 2 is a real rank
        List<ActorRef<RankMessage>> healed = new ArrayList<>(h.ranks);
        healed.set(2, RankActor.narrow(kit.spawn(RankActor.create(s.forRank(2)))));
        for (ActorRef<RankMessage> r : healed) r.tell(new RankMessage.Roster(healed, h.driver.getRef()));
        for (int r = 0; r < 3; r++) healed.get(r).tell(new RankMessage.RunStep(1, batch(r, 1, 12, 8), true, false, h.driver.getRef()));
        RankReply.StepDone[] done = h.awaitDone(3, Duration.ofSeconds(20));
        for (int r = 0; r < 3; r++) assertEquals(1, done[r].step());
    }

    @Test
    void badInputIsAnsweredWithAnErrorAndTheRankCarriesOn() {
        RankSettings s = settings(2, 8);
        TestProbe<RankMessage> peer = kit.createTestProbe(RankMessage.class);
        RankHarness h = new RankHarness(kit, s, r -> r == 1 ? peer.getRef() : null);
        ActorRef<RankMessage> rank0 = h.ranks.get(0);
        peer.expectMessageClass(RankMessage.Roster.class);

        // wrong model width in the tokens
        rank0.tell(new RankMessage.RunStep(0, batch(0, 0, 4, 5), false, false, h.driver.getRef()));
        RankReply.StepFailed shape = assertInstanceOf(RankReply.StepFailed.class, h.driver.receiveMessage(Duration.ofSeconds(10)));
        assertTrue(shape.reason().contains("4x5") && shape.reason().contains("M=8"), shape.reason());

        // a duplicate dispatch: the second one is rejected, the step goes on
        rank0.tell(new RankMessage.RunStep(1, batch(0, 1, 4, 8), false, false, h.driver.getRef()));
        rank0.tell(ExchangePart.dispatch(1, 1, false, RowPart.whole(ExpertRows.empty(1, 8))));
        rank0.tell(ExchangePart.dispatch(1, 1, false, RowPart.whole(ExpertRows.empty(1, 8))));
        RankReply.Rejected duplicate = assertInstanceOf(RankReply.Rejected.class, h.driver.receiveMessage(Duration.ofSeconds(10)));
        assertTrue(duplicate.reason().contains("duplicate DISPATCH message from rank 1"), duplicate.reason());
        // play rank 1: answer rank 0's dispatch with outputs of the right row counts
        ExchangePart toPeer = RankHarness.expectPart(peer, Exchange.DISPATCH, Duration.ofSeconds(10));
        rank0.tell(ExchangePart.expertOutput(1, 1, RowPart.whole(new ExpertRows(new FMatrixRMaj(toPeer.part().rows().numRows, 8), toPeer.part().counts()))));
        RankReply.StepDone done = assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(Duration.ofSeconds(10)));
        assertEquals(1, done.step());

        // a late message for the finished step is recognised as such
        rank0.tell(ExchangePart.expertOutput(1, 1, RowPart.whole(ExpertRows.empty(1, 8))));
        RankReply.Rejected stale = assertInstanceOf(RankReply.Rejected.class, h.driver.receiveMessage(Duration.ofSeconds(10)));
        assertTrue(stale.reason().contains("step 1"), stale.reason());

        // a dispatch for a step far beyond any the driver started
        rank0.tell(ExchangePart.dispatch(1000, 1, false, RowPart.whole(ExpertRows.empty(1, 8))));
        RankReply.Rejected unknown = assertInstanceOf(RankReply.Rejected.class, h.driver.receiveMessage(Duration.ofSeconds(10)));
        assertTrue(unknown.reason().contains("unknown step 1000"), unknown.reason());

        // rows of the wrong width are rejected, naming the source; the step waits on for the genuine ones
        rank0.tell(new RankMessage.RunStep(2, batch(0, 2, 4, 8), false, false, h.driver.getRef()));
        rank0.tell(ExchangePart.dispatch(2, 1, false, RowPart.whole(ExpertRows.empty(1, 6))));
        RankReply.Rejected width = assertInstanceOf(RankReply.Rejected.class, h.driver.receiveMessage(Duration.ofSeconds(10)));
        assertTrue(width.reason().contains("rank 1") && width.reason().contains("M=8"), width.reason());
    }
}
