package switchyard.actors.rank;

import switchyard.actors.exchange.ExchangeSettings;
import switchyard.math.gate.RoutingOptions;

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
 */
public record RankSettings(int rank, int worldSize, int localExperts, int modelDim, int hiddenDim,
                           RoutingOptions routing, long seed, OptimizerSpec optimizer,
                           Duration gatherDeadline, int maxStepsAhead, String matmul, ExchangeSettings exchange) {
    public RankSettings {
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize) throw new IllegalArgumentException("rank " + rank + " outside 0.." + (worldSize - 1));
        if (localExperts < 1) throw new IllegalArgumentException("experts per rank must be >= 1, got " + localExperts);
        if (modelDim < 1 || hiddenDim < 1)
            throw new IllegalArgumentException("model and hidden dims must be >= 1, got M=" + modelDim + " H=" + hiddenDim);
        if (routing.topK() > worldSize * localExperts)
            throw new IllegalArgumentException("top-" + routing.topK() + " routing needs at least " + routing.topK()
                    + " experts, but W·L = " + worldSize * localExperts);
        if (gatherDeadline.isNegative() || gatherDeadline.isZero())
            throw new IllegalArgumentException("gather deadline must be positive, got " + gatherDeadline);
    }

    /** The same settings with another way of moving exchange blocks. */
    public RankSettings withExchange(ExchangeSettings e) {
        return new RankSettings(rank, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer,
                gatherDeadline, maxStepsAhead, matmul, e);
    }

    public int experts() { return worldSize * localExperts; }

    public int firstExpert() { return rank * localExperts; }

    public RankSettings forRank(int r) {
        return new RankSettings(r, worldSize, localExperts, modelDim, hiddenDim, routing, seed, optimizer,
                gatherDeadline, maxStepsAhead, matmul, exchange);
    }
}
