package switchyard.math.optim;

import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with optional heavy-ball or Nesterov momentum and L2 weight decay,
 * following PyTorch's {@code torch.optim.SGD} (dampening 0):
 *
 * <pre>
 * g = grad + weightDecay·p
 * b = momentum·b + g                       (b starts at 0, so the first b = g)
 * p -= lr · (nesterov ? g + momentum·b : b)
 * </pre>
 *
 * With momentum 0 no buffer is kept and the update is {@code p -= lr·g}.
 */
public final class Sgd extends SlotOptimizer {

    public static final String KIND = "sgd";
    private static final String MOMENTUM_BUFFER = "momentum";

    /** Validated hyper-parameters. */
    public record Config(double learningRate, double momentum, double weightDecay, boolean nesterov) {

        public Config {
            HyperParameters.positive("learning rate", learningRate);
            HyperParameters.unitInterval("momentum", momentum);
            HyperParameters.nonNegative("weight decay", weightDecay);
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("Nesterov momentum needs momentum > 0, got momentum " + momentum);
            }
        }

        /** Plain SGD: no momentum, no weight decay. */
        public static Config plain(double learningRate) {
            return new Config(learningRate, 0, 0, false);
        }

        Map<String, Double> toHyperParameters() {
            return HyperParameters.map("lr", learningRate, "momentum", momentum, "weightDecay", weightDecay,
                    "nesterov", HyperParameters.flag(nesterov));
        }

        static Config fromHyperParameters(Map<String, Double> m) {
            var r = HyperParameters.reader(KIND, m, Set.of("lr", "momentum", "weightDecay", "nesterov"));
            return new Config(r.real("lr"), r.real("momentum"), r.real("weightDecay"), r.flag("nesterov"));
        }
    }

    private final Config config;
    private final float lr;
    private final float momentum;
    private final float weightDecay;

    public Sgd(Config config) {
        super(KIND, config.momentum() == 0 ? new String[0] : new String[] {MOMENTUM_BUFFER});
        this.config = config;
        this.lr = (float) config.learningRate();
        this.momentum = (float) config.momentum();
        this.weightDecay = (float) config.weightDecay();
    }

    public Sgd(double learningRate) {
        this(Config.plain(learningRate));
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
        float[] p = param.value().data;
        float[] g = param.grad().data;
        int n = slot.rows * slot.cols;
        if (slot.buffers.length == 0) { // momentum 0: plain SGD
            for (int i = 0; i < n; i++) {
                p[i] -= lr * (g[i] + weightDecay * p[i]);
            }
            return;
        }
        float[] b = slot.buffers[0];
        boolean nesterov = config.nesterov();
        for (int i = 0; i < n; i++) {
            float gi = g[i] + weightDecay * p[i];
            float bi = momentum * b[i] + gi;
            b[i] = bi;
            p[i] -= lr * (nesterov ? gi + momentum * bi : bi);
        }
    }

    @Override
    public String describe() {
        return KIND + "(lr=" + config.learningRate() + ", momentum=" + config.momentum() + ", weightDecay="
                + config.weightDecay() + (config.nesterov() ? ", nesterov" : "") + ")";
    }
}
