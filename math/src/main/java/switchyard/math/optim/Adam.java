package switchyard.math.optim;

import java.util.Map;
import java.util.Set;

/**
 * Adam with bias correction (Kingma &amp; Ba), and AdamW's decoupled weight decay as an option;
 * the same arithmetic as PyTorch's {@code torch.optim.Adam}/{@code AdamW}. With {@code t} the
 * parameter's own update count:
 *
 * <pre>
 * g = grad (+ weightDecay·p unless decoupled)
 * m = beta1·m + (1-beta1)·g
 * v = beta2·v + (1-beta2)·g²
 * p = p·(1 - lr·weightDecay if decoupled)  -  lr/(1-beta1^t) · m / (sqrt(v)/sqrt(1-beta2^t) + eps)
 * </pre>
 *
 * The per-step scalars are computed in double by plain multiplication (see {@link #power}) so they
 * are identical on every JVM and allocate nothing; the per-element work is float32.
 */
public final class Adam extends SlotOptimizer {

    public static final String KIND = "adam";
    private static final String[] BUFFERS = {"m", "v"};

    /** Validated hyper-parameters. */
    public record Config(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
                         boolean decoupledWeightDecay) {

        public Config {
            HyperParameters.positive("learning rate", learningRate);
            HyperParameters.unitInterval("beta1", beta1);
            HyperParameters.unitInterval("beta2", beta2);
            HyperParameters.positive("epsilon", epsilon);
            HyperParameters.nonNegative("weight decay", weightDecay);
        }

        /** Adam with beta1 0.9, beta2 0.999, eps 1e-8, no weight decay. */
        public static Config defaults(double learningRate) {
            return new Config(learningRate, 0.9, 0.999, 1e-8, 0, false);
        }

        /** AdamW: the defaults plus decoupled weight decay. */
        public static Config adamW(double learningRate, double weightDecay) {
            return new Config(learningRate, 0.9, 0.999, 1e-8, weightDecay, true);
        }

        Map<String, Double> toHyperParameters() {
            return HyperParameters.map("lr", learningRate, "beta1", beta1, "beta2", beta2, "eps", epsilon,
                    "weightDecay", weightDecay, "decoupled", HyperParameters.flag(decoupledWeightDecay));
        }

        static Config fromHyperParameters(Map<String, Double> m) {
            var r = HyperParameters.reader(KIND, m, Set.of("lr", "beta1", "beta2", "eps", "weightDecay", "decoupled"));
            return new Config(r.real("lr"), r.real("beta1"), r.real("beta2"), r.real("eps"), r.real("weightDecay"),
                    r.flag("decoupled"));
        }
    }

    private final Config config;
    private final float beta1;
    private final float beta2;
    private final float oneMinusBeta1;
    private final float oneMinusBeta2;
    private final float epsilon;
    private final float l2; // coupled weight decay, added to the gradient
    private final float shrink; // decoupled weight decay, multiplies the parameter

    public Adam(Config config) {
        super(KIND, BUFFERS);
        this.config = config;
        this.beta1 = (float) config.beta1();
        this.beta2 = (float) config.beta2();
        this.oneMinusBeta1 = (float) (1 - config.beta1());
        this.oneMinusBeta2 = (float) (1 - config.beta2());
        this.epsilon = (float) config.epsilon();
        this.l2 = config.decoupledWeightDecay() ? 0 : (float) config.weightDecay();
        this.shrink = config.decoupledWeightDecay() ? (float) (1 - config.learningRate() * config.weightDecay()) : 1;
    }

    public Adam(double learningRate) {
        this(Config.defaults(learningRate));
    }

    public Config config() {
        return config;
    }

    @Override
    Map<String, Double> hyperParameters() {
        return config.toHyperParameters();
    }

    @Override
    void update(Param param, SlotTable.Slot slot) {
        long t = slot.steps;
        float stepSize = (float) (config.learningRate() / (1 - power(config.beta1(), t)));
        float invSqrtBc2 = (float) (1 / Math.sqrt(1 - power(config.beta2(), t)));
        float[] p = param.value().data;
        float[] g = param.grad().data;
        float[] m = slot.buffers[0];
        float[] v = slot.buffers[1];
        int n = slot.rows * slot.cols;
        for (int i = 0; i < n; i++) {
            float gi = g[i] + l2 * p[i];
            float mi = beta1 * m[i] + oneMinusBeta1 * gi;
            float vi = beta2 * v[i] + oneMinusBeta2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) * invSqrtBc2 + epsilon;
            p[i] = p[i] * shrink - stepSize * mi / denom;
        }
    }

    /**
     * {@code base^exp} by repeated squaring. Unlike StrictMath.pow (FdLibm in Java), this does not
     * allocate before C2 has compiled it, and IEEE multiplication makes it just as reproducible.
     */
    static double power(double base, long exp) {
        double result = 1;
        for (double b = base; exp > 0; exp >>= 1, b *= b) {
            if ((exp & 1) != 0) {
                result *= b;
            }
        }
        return result;
    }

    @Override
    public String describe() {
        return (config.decoupledWeightDecay() ? "adamw" : KIND) + "(lr=" + config.learningRate() + ", beta1="
                + config.beta1() + ", beta2=" + config.beta2() + ", eps=" + config.epsilon() + ", weightDecay="
                + config.weightDecay() + ")";
    }
}
