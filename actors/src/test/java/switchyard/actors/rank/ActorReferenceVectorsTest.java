package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepTensors;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceCases;
import switchyard.math.reference.ReferenceCheck;
import switchyard.math.reference.ReferenceResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static switchyard.math.reference.ReferenceCase.toF32;

/**
 * Every reference case through W rank actors in one ActorSystem: the real scatter/gather
 * exchange, gate actors and backward routes. Directory from {@code -Dswitchyard.vectors}.
 */
class ActorReferenceVectorsTest {
    static final ActorTestKit kit = ActorTestKit.create("vectors");

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    @Test
    void theDirectoryHoldsCases() {
        assertFalse(ReferenceCases.all().isEmpty(), "no reference case in " + ReferenceCases.directory());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void rankActorsMatchTheReference(String name, ReferenceCase c) {
        ReferenceCheck.assertMatches(c, VectorRun.run(kit, c));
    }

    /** Runs one case on rank actors; shared with the serialize-messages profile. */
    static final class VectorRun {
        static ReferenceResult run(ActorTestKit kit, ReferenceCase c) {
            return run(kit, c, ExchangeSettings.direct());
        }

        static ReferenceResult run(ActorTestKit kit, ReferenceCase c, ExchangeSettings exchange) {
            RankSettings settings = VectorSettings.of(c).withExchange(exchange);
            RankHarness h = new RankHarness(kit, settings);
            for (int r = 0; r < c.worldSize(); r++) {
                h.ranks.get(r).tell(new RankActor.LoadParameters(toF32(c.gateWeight()), VectorSettings.expertsOf(c, r), h.driver.getRef()));
                h.driver.expectMessage(Duration.ofSeconds(10), new RankReply.Loaded(r));
            }
            h.start(0, r -> new Batch.Given(toF32(c.rank(r).input()), new Objective.Linear(toF32(c.rank(r).lossWeights())),
                    toF32(c.rank(r).noise())), true, true);
            RankReply.StepDone[] done = h.awaitDone(c.worldSize(), Duration.ofSeconds(30));
            List<ReferenceResult.Rank> ranks = new ArrayList<>();
            for (RankReply.StepDone d : done) {
                StepTensors t = d.tensors();
                int[] counts = firstChoiceCounts(t, c.numExperts());
                ranks.add(new ReferenceResult.Rank(t.expert(), t.slot(), t.kept(), t.weight(), counts, d.report().lAux(),
                        t.output(), t.inputGradient(), d.gateGradient()));
            }
            List<ExpertGrads> grads = new ArrayList<>();
            for (int r = 0; r < c.worldSize(); r++) {
                h.ranks.get(r).tell(new RankActor.InspectGradients(0, h.driver.getRef()));
                RankReply reply = h.driver.receiveMessage(Duration.ofSeconds(10));
                if (!(reply instanceof RankReply.Gradients g) || g.rank() != r) throw new AssertionError("expected gradients of rank " + r + ", got " + reply);
                grads.addAll(g.experts());
            }
            return new ReferenceResult(ranks, grads);
        }

        private static int[] firstChoiceCounts(StepTensors t, int experts) {
            int[] counts = new int[experts];
            for (int s = 0; s < t.expert().length / t.topK(); s++) counts[t.expert()[s * t.topK()]]++;
            return counts;
        }
    }
}
