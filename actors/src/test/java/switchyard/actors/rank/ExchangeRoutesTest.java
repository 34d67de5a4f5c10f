package switchyard.actors.rank;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.exchange.ExchangeSettings;

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
    private static List<TestProbe<RankInbox>> spawnMonitored(RankSettings s, RankHarnessRefs refs) {
        List<TestProbe<RankInbox>> probes = new ArrayList<>();
        for (int r = 0; r < s.worldSize(); r++) {
            TestProbe<RankInbox> probe = kit.createTestProbe(RankInbox.class);
            probes.add(probe);
            refs.ranks.add(RankActor.narrow(kit.spawn(Behaviors.monitor(RankInbox.class, probe.getRef(), RankActor.create(s.forRank(r))),
                    DispatcherSelector.fromConfig("switchyard.compute-dispatcher"))));
        }
        for (ActorRef<RankMessage> r : refs.ranks) r.tell(new RankMessage.Roster(refs.ranks, refs.driver.getRef()));
        return probes;
    }

    private static final class RankHarnessRefs {
        final List<ActorRef<RankMessage>> ranks = new ArrayList<>();
        final TestProbe<RankReply> driver = kit.createTestProbe(RankReply.class);
    }

    @Test
    void everyRankSendsEveryRankExactlyOneDispatchPerStepEvenWhenEmpty() {
        RankSettings s = settings(3);
        RankHarnessRefs h = new RankHarnessRefs();
        List<TestProbe<RankInbox>> seen = spawnMonitored(s, h);
        // rank 0 holds a single token: top-2 reaches 2 of the 3 owners, so one of its dispatches is empty
        int[] tokens = {1, 6, 5};
        for (long step = 0; step < 2; step++) {
            for (int r = 0; r < 3; r++) {
                ClusteredRegression.Sample b = new ClusteredRegression(new ClusteredRegression.Spec(9, 3, 8, tokens[r])).batch(r, step);
                h.ranks.get(r).tell(new RankMessage.RunStep(step, new Batch.Given(b.input(), new Objective.None()), false, false, h.driver.getRef()));
            }
            for (int i = 0; i < 3; i++) assertTrue(h.driver.receiveMessage(Duration.ofSeconds(20)) instanceof RankReply.StepDone);
            int emptyFromRank0 = 0;
            for (int owner = 0; owner < 3; owner++) {
                int[] fromSource = new int[3];
                for (RankInbox c : drain(h.ranks.get(owner), seen.get(owner))) {
                    if (c instanceof ExchangePart d && d.exchange() == Exchange.DISPATCH) {
                        assertEquals(step, d.step());
                        fromSource[d.from()]++;
                        if (d.from() == 0 && d.part().rows().numRows == 0) emptyFromRank0++;
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
        List<TestProbe<RankInbox>> seen = spawnMonitored(s, h);
        ClusteredRegression task = new ClusteredRegression(new ClusteredRegression.Spec(3, 4, 8, 10));
        for (int r = 0; r < 3; r++) {
            h.ranks.get(r).tell(new RankMessage.RunStep(0, new Batch.Synthetic(task.spec()), true, false, h.driver.getRef()));
        }
        for (int i = 0; i < 3; i++) assertTrue(h.driver.receiveMessage(Duration.ofSeconds(20)) instanceof RankReply.StepDone);

        // rows[exchange][from][to], by the exchange's ordinal: dispatch, expert output, output gradient, input gradient
        int[][][] rows = new int[4][3][3];
        int[][][] messages = new int[4][3][3];
        for (int receiver = 0; receiver < 3; receiver++) {
            for (RankInbox c : drain(h.ranks.get(receiver), seen.get(receiver))) {
                if (!(c instanceof ExchangePart p)) continue;
                rows[p.exchange().ordinal()][p.from()][receiver] += p.part().rows().numRows;
                messages[p.exchange().ordinal()][p.from()][receiver]++;
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
    private static List<RankInbox> drain(ActorRef<RankMessage> rank, TestProbe<RankInbox> probe) {
        RankMessage.AbortStep marker = new RankMessage.AbortStep(Long.MIN_VALUE, "end of observation");
        rank.tell(marker);
        return probe.fishForMessage(Duration.ofSeconds(10),
                m -> m.equals(marker) ? FishingOutcomes.complete() : FishingOutcomes.continueAndCollect());
    }
}
