package switchyard.math.reference.v3;

import switchyard.math.gate.AuxLoss;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingKind;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.gate.ScoreFunction;

/** The routing options that reproduce a v3 case: the README's rules in Switchyard's terms. */
public final class V3Options {
    private V3Options() {}

    public static RoutingOptions of(V3Case c) {
        V3Case.Options o = c.options();
        RoutingOptions.Builder b = RoutingOptions.builder().noise(NoisePolicy.NONE).normalizeWeights(false);
        if (o.expertChoice()) {
            return b.kind(RoutingKind.EXPERT_CHOICE).topK(1).aux(AuxLoss.NONE).auxLossWeight(0f).fixedCapacity(o.capacity()).build();
        }
        ScoreFunction score = ScoreFunction.parse(o.scoreFunc());
        b.topK(o.topK()).score(score).groups(o.nGroups(), o.topkGroups())
                .normTopK(score == ScoreFunction.SOFTMAX && Boolean.TRUE.equals(o.normTopk()))
                .routeScale(o.routeScale().floatValue());
        if (o.capacity() == null) b.dropless(true);
        else b.fixedCapacity(o.capacity());
        if ("seq".equals(o.aux())) b.aux(AuxLoss.SEQUENCE).auxLossWeight((float) o.alpha());
        else b.aux(AuxLoss.NONE).auxLossWeight(0f);
        if (o.useSelectionBias()) b.biasUpdateRate(o.biasUpdateGamma().floatValue());
        return b.build();
    }

    /** The case's selection bias in float32, or null. */
    public static float[] selectionBias(V3Case c) {
        if (c.selectionBias() == null) return null;
        float[] b = new float[c.selectionBias().length];
        for (int e = 0; e < b.length; e++) b[e] = (float) c.selectionBias()[e];
        return b;
    }
}
