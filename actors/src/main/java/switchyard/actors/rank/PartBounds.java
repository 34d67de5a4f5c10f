package switchyard.actors.rank;

import switchyard.actors.exchange.BlockBound;
import switchyard.actors.exchange.PartCheck;
import switchyard.actors.exchange.PartGather;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.transport.DataPlane;
import switchyard.math.dispatch.SlotRoute;
import switchyard.math.gate.RoutingKind;
import switchyard.math.gate.RoutingOptions;

/**
 * What one rank accepts of each exchange, derived from the job's settings and what the step has
 * already sent or received, and the door every part passes before any buffer exists for it
 * ({@link PartCheck}): a part that fails is rejected to the driver, its rows go back to the data
 * plane, and nothing of the step changes.
 *
 * <p>A dispatch is bounded by the gate's capacity rule ({@link RoutingOptions#capacity}) for a
 * source of S = {@link RankSettings#tokensPerStep()} tokens (one micro-batch) and E experts.
 * The owner does not know the source's own batch, only that it is at most S (a rank refuses a
 * {@code RunStep} with more), and the capacity never falls as tokens grow (dropless: the tokens;
 * fixed; {@code max(k·S/E, min)}; {@code max(ceil(k·cf·S/E), min)}; expert choice: the least of
 * that and the tokens), so the capacity of S tokens bounds every count honestly. Token choice
 * never gives a token's choices to one expert twice, so a count is also at most S, and a block at
 * most {@code S·min(k, L)} rows; expert choice gives each expert at most its capacity.
 */
final class PartBounds {
    private final RankSettings settings;
    private final PartCheck check;
    private final Failures failures;
    private final DataPlane dataPlane;
    /** The dispatch bounds of a step that runs backward (so trains) and of one that may not train. */
    private final BlockBound.AtMost training;
    private final BlockBound.AtMost eitherCapacity;

    PartBounds(RankSettings settings, Failures failures, DataPlane dataPlane) {
        this.settings = settings;
        this.check = new PartCheck(settings.worldSize(), settings.slotsPerRank(), settings.modelDim(), settings.exchange().rows());
        this.failures = failures;
        this.dataPlane = dataPlane;
        this.training = dispatchBound(settings, true);
        this.eitherCapacity = dispatchBound(settings, false);
    }

    /**
     * What one source may dispatch to a rank with {@code s} in a step: the training capacity when
     * the dispatch says a backward pass follows (only a training step has one), else the larger of
     * the training and the eval capacity, as the part does not say which it is.
     */
    static BlockBound.AtMost dispatchBound(RankSettings s, boolean backward) {
        int perExpert = perExpert(s, true);
        if (!backward) perExpert = Math.max(perExpert, perExpert(s, false));
        int l = s.slotsPerRank(); // a slot takes at most an expert's capacity; a token's choices are distinct experts
        RoutingOptions routing = s.routing();
        if (routing.kind() == RoutingKind.EXPERT_CHOICE)
            return new BlockBound.AtMost(perExpert, (long) l * perExpert, l + " experts of capacity " + perExpert + " take from one rank");
        int k = routing.topK();
        long choices = (long) s.tokensPerStep() * Math.min(k, l);
        return new BlockBound.AtMost(perExpert, Math.min(choices, (long) l * perExpert),
                s.tokensPerStep() + " tokens at top-" + k + " can send " + l + " expert slots");
    }

    private static int perExpert(RankSettings s, boolean training) {
        return Math.min(s.routing().capacity(s.tokensPerStep(), s.experts(), training), s.tokensPerStep());
    }

    /** Whether {@code m} comes from a rank of this job; else it is rejected. */
    boolean fromARank(ExchangePart m) {
        return admit(m, check.senderRefusal(m));
    }

    /** Whether the dispatch {@code m} fits what its source can route in a step; else it is rejected. */
    boolean admitDispatch(ExchangePart m) {
        return admit(m, check.refusal(m, m.backward() ? training : eitherCapacity));
    }

    /** Whether the output gradients {@code m} retrace the dispatch its source sent; else it is rejected. */
    boolean admitOutputGradient(ExchangePart m, PartGather dispatches) {
        return admit(m, check.refusal(m, new BlockBound.Exactly(dispatches.countsFrom(m.from()), m.from())));
    }

    /** Whether the answer {@code m} has the rows this rank dispatched to its sender; else it is rejected. */
    boolean admitAnswer(ExchangePart m, SlotRoute route) {
        int l = settings.slotsPerRank();
        int[] sent = new int[l];
        for (int i = 0; i < l; i++) sent[i] = route.count(m.from(), i);
        return admit(m, check.refusal(m, new BlockBound.Exactly(sent, settings.rank())));
    }

    private boolean admit(ExchangePart m, String refusal) {
        if (refusal == null) return true;
        refuse(m, refusal);
        return false;
    }

    /**
     * Rejects {@code m} to the driver before any gather saw it; its rows go back to the data plane.
     * No credit goes back, as for any refused part: a sender whose parts are refused has no step to finish.
     */
    void refuse(ExchangePart m, String why) {
        failures.reject(m.step(), why);
        dataPlane.recycle(m.part().source().data);
    }
}
