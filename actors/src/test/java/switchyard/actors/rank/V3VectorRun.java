package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepTensors;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.gate.SelectionBias;
import switchyard.math.reference.ExpertTensors;
import switchyard.math.reference.v3.V3Case;
import switchyard.math.reference.v3.V3Options;
import switchyard.math.reference.v3.V3Oracle;
import switchyard.math.reference.v3.V3Result;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static switchyard.math.reference.ReferenceCase.toF32;

/**
 * Runs one DeepSeek-V3-class reference case on rank actors, wherever they live: parameters (with
 * the shared experts and the selection bias) loaded, one training step, each rank's expert
 * gradients, and the selection-bias update through the update message.
 */
public final class V3VectorRun {
    private V3VectorRun() {}

    /** Rank settings that reproduce the case. */
    public static RankSettings settings(V3Case c) {
        return new RankSettings(0, c.worldSize(), c.localExperts(), c.dModel(), c.dHidden(), V3Options.of(c), 0,
                OptimizerSpec.parse("sgd"), Duration.ofSeconds(20), 64, "best", ExchangeSettings.direct(),
                c.options().nShared(), c.dHidden());
    }

    public static V3Result drive(List<ActorRef<RankMessage>> rankRefs, TestProbe<RankReply> driver, V3Case c) {
        for (ActorRef<RankMessage> r : rankRefs) r.tell(new RankMessage.Roster(rankRefs, driver.getRef()));
        float[] bias = V3Options.selectionBias(c);
        for (int r = 0; r < c.worldSize(); r++) {
            rankRefs.get(r).tell(new RankMessage.LoadParameters(toF32(c.gateWeight()), expertsOf(c, r),
                    V3Oracle.sharedExperts(c).experts(), bias, driver.getRef()));
            driver.expectMessage(Duration.ofSeconds(20), new RankReply.Loaded(r));
        }
        for (int r = 0; r < c.worldSize(); r++) {
            rankRefs.get(r).tell(new RankMessage.RunStep(0, new Batch.Given(toF32(c.rank(r).input()),
                    new Objective.Linear(toF32(c.rank(r).lossWeights()))), true, true, driver.getRef()));
        }
        RankReply.StepDone[] done = VectorRun.stepsDone(driver, c.worldSize());
        List<V3Result.Rank> ranks = new ArrayList<>();
        long[] loads = new long[c.numExperts()];
        for (RankReply.StepDone d : done) {
            StepTensors t = d.tensors();
            ranks.add(new V3Result.Rank(t.topK(), t.expert(), t.slot(), t.kept(), t.weight(), t.selections(), t.keptGroups(),
                    d.report().lAux(), t.output(), t.inputGradient(), d.gateGradient(), copies(d.sharedGradient())));
            for (int e = 0; e < loads.length; e++) loads[e] += d.report().selections()[e];
        }
        List<ExpertGrads> grads = new ArrayList<>();
        for (int r = 0; r < c.worldSize(); r++) {
            rankRefs.get(r).tell(new RankMessage.InspectGradients(0, driver.getRef()));
            RankReply reply = driver.receiveMessage(Duration.ofSeconds(20));
            if (!(reply instanceof RankReply.Gradients g) || g.rank() != r) throw new AssertionError("expected gradients of rank " + r + ", got " + reply);
            grads.addAll(g.experts());
        }
        float[] after = bias == null ? null : updateBias(rankRefs, driver, c, loads, bias);
        return new V3Result(ranks, grads, c.options().expertChoice() ? null : loads, after);
    }

    /**
     * Sends every rank an update with zero gradients and the global loads, so that only the
     * selection bias moves; each gate's digest must then be that of its unchanged weight and the
     * bias the update rule gives. Returns that bias.
     */
    private static float[] updateBias(List<ActorRef<RankMessage>> rankRefs, TestProbe<RankReply> driver, V3Case c, long[] loads,
                                      float[] bias) {
        FMatrixRMaj zero = new FMatrixRMaj(c.dModel(), c.numExperts());
        List<ExpertGrads> sharedZero = V3Oracle.sharedExperts(c).newGrads();
        for (ActorRef<RankMessage> r : rankRefs) r.tell(new RankMessage.ApplyUpdate(new long[] {0}, zero, sharedZero, loads, driver.getRef()));
        for (int i = 0; i < rankRefs.size(); i++) {
            RankReply reply = driver.receiveMessage(Duration.ofSeconds(20));
            if (!(reply instanceof RankReply.Updated)) throw new AssertionError("expected Updated, got " + reply);
        }
        float[] after = bias.clone();
        SelectionBias.update(after, loads, c.options().biasUpdateGamma().floatValue());
        byte[] expected = ParameterDigests.ofGate(toF32(c.gateWeight()), after);
        for (ActorRef<RankMessage> r : rankRefs) {
            r.tell(new RankMessage.ReportDigest(driver.getRef()));
            RankReply.ParameterDigest d = (RankReply.ParameterDigest) driver.receiveMessage(Duration.ofSeconds(20));
            assertArrayEquals(expected, d.gate(), c.name() + ": rank " + d.rank() + "'s gate after the bias update");
        }
        return after;
    }

    /** In one JVM the rank lends its own buffers, which it reuses after the update. */
    private static List<ExpertGrads> copies(List<ExpertGrads> grads) {
        List<ExpertGrads> out = new ArrayList<>(grads.size());
        for (ExpertGrads g : grads) out.add(g.copy());
        return out;
    }

    /** The case's routed experts of rank {@code r}, in local order. */
    static List<Expert> expertsOf(V3Case c, int r) {
        List<Expert> out = new ArrayList<>();
        for (int l = 0; l < c.localExperts(); l++) {
            ExpertTensors e = c.experts().get(r * c.localExperts() + l);
            out.add(new Expert(toF32(e.w1()), toF32(e.b1()), toF32(e.w2()), toF32(e.b2())));
        }
        return out;
    }
}
