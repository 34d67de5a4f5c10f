package switchyard.actors.rank;

import switchyard.actors.exchange.ExchangeSettings;

import switchyard.math.expert.Expert;
import switchyard.math.reference.ExpertTensors;
import switchyard.math.reference.ReferenceCase;
import switchyard.math.reference.ReferenceResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static switchyard.math.reference.ReferenceCase.toF32;

/** Rank settings and parameters that reproduce a reference case. */
public final class VectorSettings {
    private VectorSettings() {}

    public static RankSettings of(ReferenceCase c) {
        return new RankSettings(0, c.worldSize(), c.localExperts(), c.dModel(), c.dHidden(), ReferenceResult.optionsFor(c),
                0, OptimizerSpec.parse("sgd"), Duration.ofSeconds(20), 64, "best", ExchangeSettings.direct());
    }

    /** The case's parameters for rank {@code r}: its experts in local order. */
    public static List<Expert> expertsOf(ReferenceCase c, int r) {
        List<Expert> out = new ArrayList<>();
        for (int l = 0; l < c.localExperts(); l++) {
            ExpertTensors e = c.experts().get(r * c.localExperts() + l);
            out.add(new Expert(toF32(e.w1()), toF32(e.b1()), toF32(e.w2()), toF32(e.b2())));
        }
        return out;
    }
}
