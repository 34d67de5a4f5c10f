package switchyard.actors.rank;

import switchyard.actors.protocol.RankMessage;
import switchyard.actors.exchange.ExchangeSettings;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepTensors;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static switchyard.math.reference.ReferenceCase.toF32;

/** Runs one reference case on rank actors; shared by the one-JVM, serialized and cluster vector tests. */
public final class VectorRun {
    private VectorRun() {}

    static ReferenceResult run(ActorTestKit kit, ReferenceCase c) {
        return run(kit, c, ExchangeSettings.direct());
    }

    static ReferenceResult run(ActorTestKit kit, ReferenceCase c, ExchangeSettings exchange) {
        return run(kit, VectorSettings.of(c).withExchange(exchange), c);
    }

    /** The case on rank actors built from {@code settings} (the case's own, changed in what a test varies). */
    static ReferenceResult run(ActorTestKit kit, RankSettings settings, ReferenceCase c) {
        RankHarness h = new RankHarness(kit, settings);
        return drive(h.ranks, h.driver, c);
    }

    /**
     * Runs the case on existing rank actors (wherever they live) with {@code driver} as their
     * driver: topology, parameters, one training step, then each rank's expert gradients.
     */
    public static ReferenceResult drive(List<ActorRef<RankMessage>> rankRefs, TestProbe<RankReply> driver, ReferenceCase c) {
        for (ActorRef<RankMessage> r : rankRefs) r.tell(new RankMessage.Roster(rankRefs, driver.getRef()));
        for (int r = 0; r < c.worldSize(); r++) {
            rankRefs.get(r).tell(new RankMessage.LoadParameters(toF32(c.gateWeight()), VectorSettings.expertsOf(c, r), driver.getRef()));
            driver.expectMessage(Duration.ofSeconds(20), new RankReply.Loaded(r));
        }
        for (int r = 0; r < c.worldSize(); r++) {
            rankRefs.get(r).tell(new RankMessage.RunStep(0, new Batch.Given(toF32(c.rank(r).input()),
                    new Objective.Linear(toF32(c.rank(r).lossWeights())), toF32(c.rank(r).noise())), true, true, driver.getRef()));
        }
        RankReply.StepDone[] done = stepsDone(driver, c.worldSize());
        List<ReferenceResult.Rank> ranks = new ArrayList<>();
        for (RankReply.StepDone d : done) {
            StepTensors t = d.tensors();
            int[] counts = firstChoiceCounts(t, c.numExperts());
            ranks.add(new ReferenceResult.Rank(t.expert(), t.slot(), t.kept(), t.weight(), counts, d.report().lAux(),
                    t.output(), t.inputGradient(), d.gateGradient()));
        }
        List<ExpertGrads> grads = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) {
            rankRefs.get(r).tell(new RankMessage.InspectGradients(0, driver.getRef()));
            RankReply reply = driver.receiveMessage(Duration.ofSeconds(20));
            if (!(reply instanceof RankReply.Gradients g) || g.rank() != r) throw new AssertionError("expected gradients of rank " + r + ", got " + reply);
            grads.addAll(g.experts());
        }
        return new ReferenceResult(ranks, grads);
    }

    /** Every rank's StepDone of the step just run, by rank. */
    static RankReply.StepDone[] stepsDone(TestProbe<RankReply> driver, int worldSize) {
        RankReply.StepDone[] done = new RankReply.StepDone[worldSize];
        for (int i = 0; i < worldSize; i++) {
            RankReply reply = driver.receiveMessage(Duration.ofSeconds(30));
            if (!(reply instanceof RankReply.StepDone d)) throw new AssertionError("expected StepDone, got " + reply);
            done[d.rank()] = d;
        }
        return done;
    }

    private static int[] firstChoiceCounts(StepTensors t, int experts) {
        int[] counts = new int[experts];
        for (int s = 0; s < t.expert().length / t.topK(); s++) counts[t.expert()[s * t.topK()]]++;
        return counts;
    }
}
