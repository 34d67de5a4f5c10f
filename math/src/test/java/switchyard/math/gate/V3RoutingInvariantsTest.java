package switchyard.math.gate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import switchyard.math.linalg.EjmlMatMul;
import switchyard.math.testing.LayerFixture;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of DeepSeek-V3-class routing and expert choice, over many random configurations. */
class V3RoutingInvariantsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void groupLimitedRoutingNeverChoosesOutsideTheKeptGroups(int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 20; trial++) {
            int groups = 2 + random.nextInt(7);
            int perGroup = 2 + random.nextInt(5);
            int experts = groups * perGroup;
            int kept = 1 + random.nextInt(groups);
            int k = 1 + random.nextInt(Math.min(8, kept * perGroup));
            boolean bias = random.nextBoolean();
            RoutingOptions options = RoutingOptions.builder().noise(NoisePolicy.NONE).score(random.nextBoolean()
                            ? ScoreFunction.SIGMOID : ScoreFunction.SOFTMAX).topK(k).groups(groups, kept).dropless(true)
                    .biasUpdateRate(bias ? 0.01f : 0f).build();
            Gate gate = new Gate(LayerFixture.gaussian(6, experts, 1.0, random), options);
            if (bias) {
                float[] b = new float[experts];
                for (int e = 0; e < experts; e++) b[e] = (float) (random.nextDouble() - 0.5);
                gate.loadSelectionBias(b);
            }
            int tokens = 1 + random.nextInt(50);
            Routing r = gate.route(LayerFixture.gaussian(tokens, 6, 1.0, random), GateNoise.seeded(seed, trial, 0), true, new EjmlMatMul());
            int[] keptGroups = r.keptGroups();
            String where = "trial " + trial + " (E=" + experts + ", G=" + groups + ", TG=" + kept + ", k=" + k + ")";
            int[] spanned = new int[groups + 1];
            for (int s = 0; s < tokens; s++) {
                Set<Integer> allowed = new HashSet<>();
                for (int g = 0; g < kept; g++) {
                    allowed.add(keptGroups[s * kept + g]);
                    if (g > 0) assertTrue(keptGroups[s * kept + g] > keptGroups[s * kept + g - 1], where + ": groups not ascending");
                }
                Set<Integer> touched = new HashSet<>();
                for (int j = 0; j < k; j++) {
                    int g = r.expert(s, j) / perGroup;
                    assertTrue(allowed.contains(g), where + ": token " + s + " chose expert " + r.expert(s, j) + " of group "
                            + g + " outside its groups " + allowed);
                    touched.add(g);
                }
                spanned[touched.size()]++;
            }
            assertArrayEquals(spanned, r.groupsSpanned(), where + ": tokens per number of groups spanned");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void droplessNeverDrops(int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 20; trial++) {
            int experts = 4 + random.nextInt(20);
            int k = 1 + random.nextInt(Math.min(8, experts));
            RoutingOptions options = RoutingOptions.builder().noise(NoisePolicy.NONE).score(ScoreFunction.SIGMOID).topK(k)
                    .dropless(true).biasUpdateRate(0.001f).build();
            Gate gate = new Gate(LayerFixture.gaussian(5, experts, 2.0, random), options);
            int tokens = 1 + random.nextInt(60);
            Routing r = gate.route(LayerFixture.gaussian(tokens, 5, 1.0, random), GateNoise.seeded(seed, trial, 0), true, new EjmlMatMul());
            assertEquals(tokens * k, r.keptAssignments(), "trial " + trial + ": dropless kept every choice");
            assertEquals(0, r.droppedTokens());
        }
    }

    @Test
    void theBiasMovesEveryOverloadedExpertDownAndEveryUnderloadedOneUpByExactlyGamma() {
        float gamma = 0.125f; // a power of two: bias ± γ is exact, so "exactly" can be tested bit for bit
        float[] bias = {0.5f, -0.25f, 0f, 1f, 0.75f};
        long[] loads = {7, 3, 5, 5, 0}; // mean 4: over, under, over, over, under
        float[] before = bias.clone();
        SelectionBias.update(bias, loads, gamma);
        int[] sign = {-1, 1, -1, -1, 1};
        for (int e = 0; e < bias.length; e++) assertEquals(before[e] + sign[e] * gamma, bias[e], "expert " + e);
        float[] atMean = {0.5f, 0.5f};
        SelectionBias.update(atMean, new long[] {4, 4}, gamma);
        assertArrayEquals(new float[] {0.5f, 0.5f}, atMean, "an expert at exactly the mean load does not move");
        assertArrayEquals(new int[] {1, 0, -1}, SelectionBias.signs(new long[] {2, 3, 4}));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 12, 40})
    void expertChoiceGivesEveryExpertExactlyMinOfCapacityAndTokens(int capacity) {
        SplittableRandom random = new SplittableRandom(capacity);
        int experts = 6, tokens = 12;
        RoutingOptions options = RoutingOptions.builder().noise(NoisePolicy.NONE).kind(RoutingKind.EXPERT_CHOICE).topK(1)
                .aux(AuxLoss.NONE).fixedCapacity(capacity).build();
        Gate gate = new Gate(LayerFixture.gaussian(5, experts, 1.0, random), options);
        Routing r = gate.route(LayerFixture.gaussian(tokens, 5, 1.0, random), GateNoise.seeded(1, 0, 0), true, new EjmlMatMul());
        for (int e = 0; e < experts; e++) {
            assertEquals(Math.min(capacity, tokens), r.tokensAt(e), "expert " + e);
            float previous = Float.POSITIVE_INFINITY;
            for (int slot = 0; slot < r.tokensAt(e); slot++) {
                int flat = r.assignment(e, slot);
                float score = r.gates().get(flat / experts, e);
                assertTrue(score <= previous, "expert " + e + " takes its tokens in descending score");
                assertEquals(score, r.weight(flat / experts, flat % experts), "the weight is the unnormalised score");
                previous = score;
            }
        }
    }
}
