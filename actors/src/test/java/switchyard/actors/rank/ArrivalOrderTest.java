package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
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
 * messages from its peers (played by probes) in two different orders and must produce
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
        Result ascending = runWithPeerOrder(new int[] {1, 2});
        Result descending = runWithPeerOrder(new int[] {2, 1});
        assertArrayEquals(ascending.done.tensors().output().data, descending.done.tensors().output().data);
        assertArrayEquals(ascending.done.tensors().inputGradient().data, descending.done.tensors().inputGradient().data);
        assertArrayEquals(ascending.done.gateGradient().data, descending.done.gateGradient().data);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(ascending.grads.experts().get(l).w1().data, descending.grads.experts().get(l).w1().data);
            assertArrayEquals(ascending.grads.experts().get(l).b2().data, descending.grads.experts().get(l).b2().data);
        }
    }

    private record Result(RankReply.StepDone done, RankReply.Gradients grads) {}

    private Result runWithPeerOrder(int[] order) {
        int dim = 6;
        RankSettings s = new RankSettings(0, 3, 2, dim, 10, RoutingOptions.builder().dropless(true).build(), 11,
                OptimizerSpec.parse("sgd"), Duration.ofSeconds(20), 8, "best", ExchangeSettings.direct());
        TestProbe<RankActor.Command> p1 = kit.createTestProbe(RankActor.Command.class);
        TestProbe<RankActor.Command> p2 = kit.createTestProbe(RankActor.Command.class);
        RankHarness h = new RankHarness(kit, s, r -> r == 1 ? p1.getRef() : r == 2 ? p2.getRef() : null);
        List<TestProbe<RankActor.Command>> peers = List.of(p1, p1, p2); // index by rank (0 unused)
        ActorRef<RankActor.Command> rank0 = h.ranks.get(0);
        for (int r : order) peers.get(r).expectMessageClass(RankActor.Topology.class);

        ClusteredRegression.Batch b = new ClusteredRegression(new ClusteredRegression.Spec(4, 3, dim, 16)).batch(0, 0);
        rank0.tell(new RankActor.RunStep(0, new Batch.Given(b.input(), new Objective.Mse(b.target())), true, true, h.driver.getRef()));
        SplittableRandom random = new SplittableRandom(99); // the same peer data in both runs
        ExpertRows[] peerDispatch = {null, RankHarness.randomRows(random, new int[] {3, 2}, dim), RankHarness.randomRows(random, new int[] {1, 4}, dim)};

        // forward: peers dispatch to rank 0, then answer rank 0's dispatch with outputs
        RankActor.Dispatch[] fromRank0 = new RankActor.Dispatch[3];
        for (int r = 1; r <= 2; r++) fromRank0[r] = peers.get(r).expectMessageClass(RankActor.Dispatch.class, Duration.ofSeconds(10));
        for (int r : order) rank0.tell(new RankActor.Dispatch(0, r, true, RowPart.whole(peerDispatch[r])));
        for (int r = 1; r <= 2; r++) peers.get(r).expectMessageClass(RankActor.ExpertOutput.class, Duration.ofSeconds(10));
        SplittableRandom answers = new SplittableRandom(7);
        ExpertRows[] outputs = {null, RankHarness.randomRows(answers, fromRank0[1].part().counts(), dim), RankHarness.randomRows(answers, fromRank0[2].part().counts(), dim)};
        for (int r : order) rank0.tell(new RankActor.ExpertOutput(0, r, RowPart.whole(outputs[r])));

        // backward: rank 0 sends output gradients; peers send theirs for rank 0's experts, then input gradients
        for (int r = 1; r <= 2; r++) peers.get(r).expectMessageClass(RankActor.OutputGradient.class, Duration.ofSeconds(10));
        ExpertRows[] peerGrads = {null, RankHarness.randomRows(answers, peerDispatch[1].counts(), dim), RankHarness.randomRows(answers, peerDispatch[2].counts(), dim)};
        for (int r : order) rank0.tell(new RankActor.OutputGradient(0, r, RowPart.whole(peerGrads[r])));
        for (int r = 1; r <= 2; r++) peers.get(r).expectMessageClass(RankActor.InputGradient.class, Duration.ofSeconds(10));
        ExpertRows[] inputGrads = {null, RankHarness.randomRows(answers, fromRank0[1].part().counts(), dim), RankHarness.randomRows(answers, fromRank0[2].part().counts(), dim)};
        for (int r : order) rank0.tell(new RankActor.InputGradient(0, r, RowPart.whole(inputGrads[r])));

        RankReply.StepDone done = assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(Duration.ofSeconds(10)));
        rank0.tell(new RankActor.InspectGradients(0, h.driver.getRef()));
        RankReply.Gradients grads = assertInstanceOf(RankReply.Gradients.class, h.driver.receiveMessage(Duration.ofSeconds(10)));
        return new Result(done, grads);
    }
}
