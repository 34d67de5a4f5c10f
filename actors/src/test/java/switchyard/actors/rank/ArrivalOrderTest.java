package switchyard.actors.rank;

import switchyard.actors.protocol.Exchange;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.exchange.ExchangeSettings;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
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
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Gathered data is combined in source-rank order, never arrival order: rank 0 gets the same
 * messages from its peers (played by probes) in different orders — also with the peers' rows
 * arriving before rank 0 knows the topology or has its own RunStep — and must produce
 * bit-identical outputs, input gradients, gate gradient and expert gradients.
 */
class ArrivalOrderTest {
    static final ActorTestKit kit = ActorTestKit.create("order");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @Test
    void resultsDoNotDependOnTheOrderPeersAnswerIn() {
        assertSameResults(runWithPeerOrder(new int[] {1, 2}, false), runWithPeerOrder(new int[] {2, 1}, false));
    }

    @Test
    void rowsThatComeBeforeTheRosterAndTheRunStepWaitForThem() {
        assertSameResults(runWithPeerOrder(new int[] {1, 2}, false), runWithPeerOrder(new int[] {2, 1}, true));
    }

    private static void assertSameResults(Result ascending, Result descending) {
        assertArrayEquals(ascending.done.tensors().output().data, descending.done.tensors().output().data);
        assertArrayEquals(ascending.done.tensors().inputGradient().data, descending.done.tensors().inputGradient().data);
        assertArrayEquals(ascending.done.gateGradient().data, descending.done.gateGradient().data);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(ascending.grads.experts().get(l).w1().data, descending.grads.experts().get(l).w1().data);
            assertArrayEquals(ascending.grads.experts().get(l).b2().data, descending.grads.experts().get(l).b2().data);
        }
    }

    private record Result(RankReply.StepDone done, RankReply.Gradients grads) {}

    /** With {@code rowsFirst}, the peers' rows reach rank 0 before its Roster and its RunStep. */
    private Result runWithPeerOrder(int[] order, boolean rowsFirst) {
        int dim = 6;
        RankSettings s = new RankSettings(0, 3, 2, dim, 10, RoutingOptions.builder().dropless(true).build(), 11,
                OptimizerSpec.parse("sgd"), Duration.ofSeconds(20), 8, "best", ExchangeSettings.direct());
        TestProbe<RankMessage> p1 = kit.createTestProbe(RankMessage.class);
        TestProbe<RankMessage> p2 = kit.createTestProbe(RankMessage.class);
        List<TestProbe<RankMessage>> peers = List.of(p1, p1, p2); // index by rank (0 unused)
        SplittableRandom random = new SplittableRandom(99); // the same peer data in every run
        ExpertRows[] peerDispatch = {null, RankHarness.randomRows(random, new int[] {3, 2}, dim), RankHarness.randomRows(random, new int[] {1, 4}, dim)};
        ClusteredRegression.Sample b = new ClusteredRegression(new ClusteredRegression.Spec(4, 3, dim, 16)).batch(0, 0);
        TestProbe<RankReply> driver;
        ActorRef<RankMessage> rank0;
        if (rowsFirst) {
            driver = kit.createTestProbe(RankReply.class);
            rank0 = RankActor.narrow(kit.spawn(RankActor.create(s.forRank(0)), DispatcherSelector.fromConfig("switchyard.compute-dispatcher")));
            for (int r : order) rank0.tell(ExchangePart.dispatch(0, r, true, RowPart.whole(peerDispatch[r])));
            rank0.tell(new RankMessage.Roster(List.of(rank0, p1.getRef(), p2.getRef()), driver.getRef()));
        } else {
            RankHarness h = new RankHarness(kit, s, r -> r == 1 ? p1.getRef() : r == 2 ? p2.getRef() : null);
            driver = h.driver;
            rank0 = h.ranks.get(0);
            for (int r : order) peers.get(r).expectMessageClass(RankMessage.Roster.class);
        }
        rank0.tell(new RankMessage.RunStep(0, new Batch.Given(b.input(), new Objective.Mse(b.target())), true, true, driver.getRef()));

        // forward: peers dispatch to rank 0, then answer rank 0's dispatch with outputs
        ExchangePart[] fromRank0 = new ExchangePart[3];
        for (int r = 1; r <= 2; r++) fromRank0[r] = RankHarness.expectPart(peers.get(r), Exchange.DISPATCH, Duration.ofSeconds(10));
        if (!rowsFirst) for (int r : order) rank0.tell(ExchangePart.dispatch(0, r, true, RowPart.whole(peerDispatch[r])));
        for (int r = 1; r <= 2; r++) RankHarness.expectPart(peers.get(r), Exchange.EXPERT_OUTPUT, Duration.ofSeconds(10));
        SplittableRandom answers = new SplittableRandom(7);
        ExpertRows[] outputs = {null, RankHarness.randomRows(answers, fromRank0[1].part().counts(), dim), RankHarness.randomRows(answers, fromRank0[2].part().counts(), dim)};
        for (int r : order) rank0.tell(ExchangePart.expertOutput(0, r, RowPart.whole(outputs[r])));

        // backward: rank 0 sends output gradients; peers send theirs for rank 0's experts, then input gradients
        for (int r = 1; r <= 2; r++) RankHarness.expectPart(peers.get(r), Exchange.OUTPUT_GRAD, Duration.ofSeconds(10));
        ExpertRows[] peerGrads = {null, RankHarness.randomRows(answers, peerDispatch[1].counts(), dim), RankHarness.randomRows(answers, peerDispatch[2].counts(), dim)};
        for (int r : order) rank0.tell(ExchangePart.outputGradient(0, r, RowPart.whole(peerGrads[r])));
        for (int r = 1; r <= 2; r++) RankHarness.expectPart(peers.get(r), Exchange.INPUT_GRAD, Duration.ofSeconds(10));
        ExpertRows[] inputGrads = {null, RankHarness.randomRows(answers, fromRank0[1].part().counts(), dim), RankHarness.randomRows(answers, fromRank0[2].part().counts(), dim)};
        for (int r : order) rank0.tell(ExchangePart.inputGradient(0, r, RowPart.whole(inputGrads[r])));

        RankReply.StepDone done = assertInstanceOf(RankReply.StepDone.class, driver.receiveMessage(Duration.ofSeconds(10)));
        rank0.tell(new RankMessage.InspectGradients(0, driver.getRef()));
        RankReply.Gradients grads = assertInstanceOf(RankReply.Gradients.class, driver.receiveMessage(Duration.ofSeconds(10)));
        return new Result(done, grads);
    }
}
