package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.RankReply;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.task.ClusteredRegression;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of the all-to-all, watched from the receiving side of every rank: exactly one
 * Dispatch per (source, owner) per step — empty ones included — and backward messages on exactly
 * the routes (and row counts) of the forward pass, in reverse direction.
 */
class ExchangeRoutesTest {
    static final ActorTestKit kit = ActorTestKit.create("routes");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    /** Dropless, so that where a token goes depends on the gate alone. */
    private static RankSettings settings(int worldSize) {
        return new RankSettings(0, worldSize, 1, 8, 16, RoutingOptions.builder().dropless(true).build(), 7, OptimizerSpec.parse("sgd"),
                Duration.ofSeconds(20), 64, "best", ExchangeSettings.direct());
    }

    /** Every rank, wrapped so that a probe sees a copy of each message it receives. */
    private static List<TestProbe<RankActor.Command>> spawnMonitored(RankSettings s, RankHarnessRefs refs) {
        List<TestProbe<RankActor.Command>> probes = new ArrayList<>();
        for (int r = 0; r < s.worldSize(); r++) {
            TestProbe<RankActor.Command> probe = kit.createTestProbe(RankActor.Command.class);
            probes.add(probe);
            refs.ranks.add(kit.spawn(Behaviors.monitor(RankActor.Command.class, probe.getRef(), RankActor.create(s.forRank(r))),
                    DispatcherSelector.fromConfig("switchyard.compute-dispatcher")));
        }
        for (ActorRef<RankActor.Command> r : refs.ranks) r.tell(new RankActor.Topology(refs.ranks, refs.driver.getRef()));
        return probes;
    }

    private static final class RankHarnessRefs {
        final List<ActorRef<RankActor.Command>> ranks = new ArrayList<>();
        final TestProbe<RankReply> driver = kit.createTestProbe(RankReply.class);
    }

    @Test
    void everyRankSendsEveryRankExactlyOneDispatchPerStepEvenWhenEmpty() {
        RankSettings s = settings(3);
        RankHarnessRefs h = new RankHarnessRefs();
        List<TestProbe<RankActor.Command>> seen = spawnMonitored(s, h);
        // rank 0 holds a single token: top-2 reaches 2 of the 3 owners, so one of its dispatches is empty
        int[] tokens = {1, 6, 5};
        for (long step = 0; step < 2; step++) {
            for (int r = 0; r < 3; r++) {
                ClusteredRegression.Batch b = new ClusteredRegression(new ClusteredRegression.Spec(9, 3, 8, tokens[r])).batch(r, step);
                h.ranks.get(r).tell(new RankActor.RunStep(step, new Batch.Given(b.input(), new Objective.None()), false, false, h.driver.getRef()));
            }
            for (int i = 0; i < 3; i++) assertTrue(h.driver.receiveMessage(Duration.ofSeconds(20)) instanceof RankReply.StepDone);
            int emptyFromRank0 = 0;
            for (int owner = 0; owner < 3; owner++) {
                int[] fromSource = new int[3];
                for (RankActor.Command c : drain(h.ranks.get(owner), seen.get(owner))) {
                    if (c instanceof RankActor.Dispatch d) {
                        assertEquals(step, d.step());
                        fromSource[d.source()]++;
                        if (d.source() == 0 && d.part().rows().numRows == 0) emptyFromRank0++;
                    }
                }
                assertArrayEquals(new int[] {1, 1, 1}, fromSource, "dispatches received by rank " + owner + " in step " + step);
            }
            assertEquals(1, emptyFromRank0, "rank 0's one token reaches two owners, so one dispatch is empty");
        }
    }

    @Test
    void backwardMessagesRetraceTheForwardRoutes() {
        RankSettings s = settings(3);
        RankHarnessRefs h = new RankHarnessRefs();
        List<TestProbe<RankActor.Command>> seen = spawnMonitored(s, h);
        ClusteredRegression task = new ClusteredRegression(new ClusteredRegression.Spec(3, 4, 8, 10));
        for (int r = 0; r < 3; r++) {
            h.ranks.get(r).tell(new RankActor.RunStep(0, new Batch.Synthetic(task.spec()), true, false, h.driver.getRef()));
        }
        for (int i = 0; i < 3; i++) assertTrue(h.driver.receiveMessage(Duration.ofSeconds(20)) instanceof RankReply.StepDone);

        // rows[kind][from][to]: 0 dispatch, 1 expert output, 2 output gradient, 3 input gradient
        int[][][] rows = new int[4][3][3];
        int[][][] messages = new int[4][3][3];
        for (int receiver = 0; receiver < 3; receiver++) {
            for (RankActor.Command c : drain(h.ranks.get(receiver), seen.get(receiver))) {
                int kind, from;
                int n;
                if (c instanceof RankActor.Dispatch d) { kind = 0; from = d.source(); n = d.part().rows().numRows; }
                else if (c instanceof RankActor.ExpertOutput o) { kind = 1; from = o.owner(); n = o.part().rows().numRows; }
                else if (c instanceof RankActor.OutputGradient g) { kind = 2; from = g.source(); n = g.part().rows().numRows; }
                else if (c instanceof RankActor.InputGradient g) { kind = 3; from = g.owner(); n = g.part().rows().numRows; }
                else continue;
                rows[kind][from][receiver] += n;
                messages[kind][from][receiver]++;
            }
        }
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                for (int kind = 0; kind < 4; kind++) assertEquals(1, messages[kind][a][b], "messages of kind " + kind + " " + a + "->" + b);
                // outputs come back on the dispatch route reversed; gradients go out on the dispatch route
                // and come home on the output route
                assertEquals(rows[0][a][b], rows[1][b][a], "expert outputs " + b + "->" + a);
                assertEquals(rows[0][a][b], rows[2][a][b], "output gradients " + a + "->" + b);
                assertEquals(rows[0][a][b], rows[3][b][a], "input gradients " + b + "->" + a);
            }
        }
    }

    /**
     * Everything the rank behind {@code probe} received up to now: a marker sent after the step is
     * handled after every earlier message, so its copy closes the list.
     */
    private static List<RankActor.Command> drain(ActorRef<RankActor.Command> rank, TestProbe<RankActor.Command> probe) {
        RankActor.AbortStep marker = new RankActor.AbortStep(Long.MIN_VALUE, "end of observation");
        rank.tell(marker);
        return probe.fishForMessage(Duration.ofSeconds(10),
                m -> m.equals(marker) ? FishingOutcomes.complete() : FishingOutcomes.continueAndCollect());
    }
}
