package switchyard.actors.rank;

import switchyard.math.optim.Adam;
import switchyard.math.optim.Optimizer;
import switchyard.math.optim.Sgd;

import java.util.Locale;

/**
 * Which optimizer every rank builds, as a value that travels in messages and on the command line:
 * {@code sgd:lr=0.05,momentum=0.9} or {@code adam:lr=0.001}.
 */
public record OptimizerSpec(String kind, double learningRate, double momentum) {
    public OptimizerSpec {
        kind = kind.toLowerCase(Locale.ROOT);
        if (!kind.equals(Sgd.KIND) && !kind.equals(Adam.KIND))
            throw new IllegalArgumentException("unknown optimizer '" + kind + "' (expected sgd or adam)");
        if (!(learningRate > 0) || !Double.isFinite(learningRate))
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        if (!(momentum >= 0 && momentum < 1))
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }

    /** A fresh optimizer (one per parameter group: a gate replica, or a rank's experts). */
    public Optimizer create() {
        return kind.equals(Sgd.KIND)
                ? new Sgd(new Sgd.Config(learningRate, momentum, 0, false))
                : new Adam(Adam.Config.defaults(learningRate));
    }

    /** Floats of state the optimizer keeps per parameter: Adam's two moments, SGD's momentum buffer if it has momentum. */
    public int stateSlots() {
        return kind.equals(Adam.KIND) ? 2 : momentum > 0 ? 1 : 0;
    }

    /** Parses {@code kind[:lr=X][,momentum=Y]}. */
    public static OptimizerSpec parse(String text) {
        String[] head = text.trim().split(":", 2);
        String kind = head[0];
        double lr = kind.equalsIgnoreCase(Adam.KIND) ? 1e-3 : 0.05;
        double momentum = 0;
        if (head.length == 2 && !head[1].isBlank()) {
            for (String part : head[1].split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) throw new IllegalArgumentException("optimizer option '" + part + "' is not key=value");
                double v;
                try {
                    v = Double.parseDouble(kv[1].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("optimizer option " + kv[0].trim() + " is not a number: '" + kv[1].trim() + "'");
                }
                switch (kv[0].trim()) {
                    case "lr" -> lr = v;
                    case "momentum" -> momentum = v;
                    default -> throw new IllegalArgumentException("unknown optimizer option '" + kv[0].trim() + "' (expected lr, momentum)");
                }
            }
        }
        return new OptimizerSpec(kind, lr, momentum);
    }

    @Override
    public String toString() {
        return kind + ":lr=" + learningRate + (kind.equals(Sgd.KIND) ? ",momentum=" + momentum : "");
    }
}
