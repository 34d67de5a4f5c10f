package switchyard.math.reference;

import java.util.List;

/**
 * Checks a parsed case against its own header (README "Keys"): every array present and of the
 * stated shape, expert and rank lists in index order, routing values in range. Gson fills in
 * whatever the file has, so without this a truncated or hand-edited file would surface as an
 * index error deep inside some test.
 */
final class CaseValidator {

    private CaseValidator() {
    }

    /** @throws IllegalArgumentException naming the first offending key */
    static void validate(ReferenceCase c) {
        int w = positive("world_size", c.worldSize());
        int l = positive("local_experts", c.localExperts());
        int e = positive("num_experts", c.numExperts());
        int s = positive("tokens_per_rank", c.tokensPerRank());
        int m = positive("d_model", c.dModel());
        int h = positive("d_hidden", c.dHidden());
        if (e != w * l) {
            fail("num_experts is " + e + " but world_size·local_experts is " + w * l);
        }
        if (c.capacity() < 0) {
            fail("capacity is " + c.capacity());
        }
        present("name", c.name());
        present("tolerance", c.tolerance());
        present("summary", c.drops());
        matrix("gate_weight", c.gateWeight(), m, e);
        matrix("grad_gate_weight_sum", c.gradGateWeightSum(), m, e);
        experts("experts", c.experts(), c);
        experts("expert_grads", c.expertGrads(), c);
        size("ranks", present("ranks", c.ranks()).size(), w);
        for (int r = 0; r < w; r++) {
            rank("ranks[" + r + "]", c.ranks().get(r), r, c);
        }
    }

    private static void experts(String key, List<ExpertTensors> list, ReferenceCase c) {
        size(key, present(key, list).size(), c.numExperts());
        for (int i = 0; i < list.size(); i++) {
            String k = key + "[" + i + "]";
            ExpertTensors x = present(k, list.get(i));
            if (x.expert() != i || x.rank() != i / c.localExperts() || x.localIndex() != i % c.localExperts()) {
                fail(k + " says expert " + x.expert() + ", rank " + x.rank() + ", local index " + x.localIndex());
            }
            matrix(k + ".W1", x.w1(), c.dModel(), c.dHidden());
            vector(k + ".b1", x.b1(), c.dHidden());
            matrix(k + ".W2", x.w2(), c.dHidden(), c.dModel());
            vector(k + ".b2", x.b2(), c.dModel());
        }
    }

    private static void rank(String key, RankCase rc, int r, ReferenceCase c) {
        int s = c.tokensPerRank();
        int m = c.dModel();
        int e = c.numExperts();
        if (present(key, rc).rank() != r) {
            fail(key + ".rank is " + rc.rank());
        }
        matrix(key + ".input", rc.input(), s, m);
        matrix(key + ".noise", rc.noise(), s, e);
        matrix(key + ".R", rc.lossWeights(), s, m);
        matrix(key + ".logits", rc.logits(), s, e);
        matrix(key + ".gates", rc.gates(), s, e);
        matrix(key + ".output", rc.output(), s, m);
        matrix(key + ".grad_input", rc.gradInput(), s, m);
        matrix(key + ".grad_gate_weight", rc.gradGateWeight(), m, e);
        Routing ro = present(key + ".routing", rc.routing());
        String k = key + ".routing";
        inRange(k + ".expert1", ro.expert1(), s, 0, e);
        inRange(k + ".expert2", ro.expert2(), s, 0, e);
        inRange(k + ".slot1", ro.slot1(), s, -1, c.capacity());
        inRange(k + ".slot2", ro.slot2(), s, -1, c.capacity());
        vector(k + ".gate1", ro.gate1(), s);
        vector(k + ".gate2", ro.gate2(), s);
        inRange(k + ".first_choice_counts", ro.firstChoiceCounts(), e, 0, s + 1);
        vector(k + ".me", ro.me(), e);
        vector(k + ".ce", ro.ce(), e);
    }

    private static void matrix(String key, double[][] a, int rows, int cols) {
        size(key, present(key, a).length, rows);
        for (int i = 0; i < rows; i++) {
            if (present(key + "[" + i + "]", a[i]).length != cols) {
                fail(key + " row " + i + " has " + a[i].length + " entries, expected " + cols);
            }
        }
    }

    private static void vector(String key, double[] v, int n) {
        size(key, present(key, v).length, n);
    }

    /** Length {@code n}, values in [lo, hi). */
    private static void inRange(String key, int[] v, int n, int lo, int hi) {
        size(key, present(key, v).length, n);
        for (int i = 0; i < n; i++) {
            if (v[i] < lo || v[i] >= hi) {
                fail(key + "[" + i + "] is " + v[i] + ", outside [" + lo + ", " + hi + ")");
            }
        }
    }

    private static void size(String key, int actual, int expected) {
        if (actual != expected) {
            fail(key + " has " + actual + " entries, expected " + expected);
        }
    }

    private static int positive(String key, int v) {
        if (v < 1) {
            fail(key + " is " + v + " (missing?)");
        }
        return v;
    }

    private static <T> T present(String key, T value) {
        if (value == null) {
            fail("missing " + key);
        }
        return value;
    }

    private static void fail(String message) {
        throw new IllegalArgumentException(message);
    }
}
