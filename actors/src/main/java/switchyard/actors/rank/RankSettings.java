package switchyard.actors.rank;

import switchyard.actors.exchange.ExchangeSettings;
import switchyard.math.gate.RoutingKind;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.placement.Placement;
import switchyard.math.precision.Precision;

import java.time.Duration;

/**
 * Everything a rank needs to build itself; identical on every rank of a job except {@code rank}.
 * Initial parameters are a function of {@code seed} and the global expert id only, so a job's
 * numbers do not depend on where its ranks run.
 *
 * @param gatherDeadline how long any one gather may wait for its last message
 * @param maxStepsAhead  how far past the newest started step a first {@code Dispatch} may be
 *                       (anything further is an unknown step id)
 * @param matmul         kernel name for {@code MatMuls.byName}
 * @param exchange       how exchange blocks are split and paced
 * @param sharedExperts  shared experts every token passes through on its own rank (0: none)
 * @param sharedHiddenDim their hidden width
 * @param precision      the arithmetic of the expert products (the router is always float32)
 * @param tokensPerStep  S: the most tokens any rank routes in one step (one micro-batch). A rank
 *                       refuses a {@code RunStep} with more, and bounds the rows a peer may send
 *                       it by the capacity of S tokens (see {@code PartBounds}).
 * @param placement      where the experts start: which logical expert each of a rank's
 *                       {@code L + R} slots holds (the static map unless a planner chose)
 */
public record RankSettings(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim,
                           RoutingOptions routing, long seed, OptimizerSpec optimizer,
                           Duration gatherDeadline, int maxStepsAhead, String matmul, ExchangeSettings exchange,
                           int sharedExperts, int sharedHiddenDim, Precision precision, int tokensPerStep,
                           Placement placement) {
    /**
     * S for settings made without one (tests, the reference vectors): above any batch they route.
     * A job states its own ({@code SimulationOptions.tokens}).
     */
    public static final int DEFAULT_TOKENS_PER_STEP = 1 << 16;

    /** Under the static map. */
    public RankSettings(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim, RoutingOptions routing, long seed,
                        OptimizerSpec optimizer, Duration gatherDeadline, int maxStepsAhead, String matmul, ExchangeSettings exchange,
                        int sharedExperts, int sharedHiddenDim, Precision precision, int tokensPerStep) {
        this(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer, gatherDeadline, maxStepsAhead, matmul,
                exchange, sharedExperts, sharedHiddenDim, precision, tokensPerStep, Placement.staticMap(worldSize, localExperts));
    }

    /** With at most {@link #DEFAULT_TOKENS_PER_STEP} tokens a step. */
    public RankSettings(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim, RoutingOptions routing, long seed,
                        OptimizerSpec optimizer, Duration gatherDeadline, int maxStepsAhead, String matmul, ExchangeSettings exchange,
                        int sharedExperts, int sharedHiddenDim, Precision precision) {
        this(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer, gatherDeadline, maxStepsAhead, matmul,
                exchange, sharedExperts, sharedHiddenDim, precision, DEFAULT_TOKENS_PER_STEP);
    }

    /** In float32. */
    public RankSettings(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim, RoutingOptions routing, long seed,
                        OptimizerSpec optimizer, Duration gatherDeadline, int maxStepsAhead, String matmul, ExchangeSettings exchange,
                        int sharedExperts, int sharedHiddenDim) {
        this(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer, gatherDeadline, maxStepsAhead, matmul,
                exchange, sharedExperts, sharedHiddenDim, Precision.FP32);
    }

    /** Without shared experts, in float32. */
    public RankSettings(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim, RoutingOptions routing, long seed,
                        OptimizerSpec optimizer, Duration gatherDeadline, int maxStepsAhead, String matmul, ExchangeSettings exchange) {
        this(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer, gatherDeadline, maxStepsAhead, matmul,
                exchange, 0, hiddenDim);
    }

    public RankSettings {
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize) throw new IllegalArgumentException("rank " + rank + " outside 0.." + (worldSize - 1));
        if (localExperts < 1) throw new IllegalArgumentException("experts per rank must be >= 1, got " + localExperts);
        if (modelDim < 1 || hiddenDim < 1)
            throw new IllegalArgumentException("model and hidden dims must be >= 1, got M=" + modelDim + " H=" + hiddenDim);
        if (routing.kind() == RoutingKind.TOKEN_CHOICE && routing.topK() > worldSize * localExperts)
            throw new IllegalArgumentException("top-" + routing.topK() + " routing needs at least " + routing.topK()
                    + " experts, but W·L = " + worldSize * localExperts);
        routing.requireFits(worldSize * localExperts);
        if (sharedExperts < 0 || sharedHiddenDim < 1)
            throw new IllegalArgumentException("shared experts must be >= 0 and their hidden dim >= 1, got " + sharedExperts
                    + " and H=" + sharedHiddenDim);
        if (precision == null) throw new IllegalArgumentException("precision missing");
        if (gatherDeadline.isNegative() || gatherDeadline.isZero())
            throw new IllegalArgumentException("gather deadline must be positive, got " + gatherDeadline);
        if (tokensPerStep < 1) throw new IllegalArgumentException("tokens per step must be >= 1, got " + tokensPerStep);
        if (placement == null) throw new IllegalArgumentException("placement missing");
        if (placement.ranks() != worldSize || placement.localExperts() != localExperts)
            throw new IllegalArgumentException("a placement of W=" + placement.ranks() + " L=" + placement.localExperts()
                    + " for a job of W=" + worldSize + " L=" + localExperts);
    }

    /** The same settings with another way of moving exchange blocks. */
    public RankSettings withExchange(ExchangeSettings e) {
        return new RankSettings(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer,
                gatherDeadline, maxStepsAhead, matmul, e, sharedExperts, sharedHiddenDim, precision, tokensPerStep, placement);
    }

    public int experts() { return worldSize * localExperts; }

    public RankSettings forRank(int r) {
        return new RankSettings(r, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer,
                gatherDeadline, maxStepsAhead, matmul, exchange, sharedExperts, sharedHiddenDim, precision, tokensPerStep, placement);
    }

    /** The same settings with expert products at another precision. */
    public RankSettings withPrecision(Precision p) {
        return new RankSettings(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer,
                gatherDeadline, maxStepsAhead, matmul, exchange, sharedExperts, sharedHiddenDim, p, tokensPerStep, placement);
    }

    /** The same settings with at most {@code s} tokens a step on every rank. */
    public RankSettings withTokensPerStep(int s) {
        return new RankSettings(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer,
                gatherDeadline, maxStepsAhead, matmul, exchange, sharedExperts, sharedHiddenDim, precision, s, placement);
    }

    /** The same settings with the experts starting where {@code p} puts them. */
    public RankSettings withPlacement(Placement p) {
        return new RankSettings(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer,
                gatherDeadline, maxStepsAhead, matmul, exchange, sharedExperts, sharedHiddenDim, precision, tokensPerStep, p);
    }

    /** L + R: the expert slots of every rank. */
    public int slotsPerRank() { return placement.slotsPerRank(); }
}
