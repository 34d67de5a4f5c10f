package switchyard.actors.driver;

import switchyard.actors.protocol.RankReply;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.tensor.Checks;

import java.util.List;

/**
 * A loss or gradient that is not a finite number: a run that diverged (too high a learning rate,
 * say). Summed into an update it would turn every parameter into NaN and the run would go on
 * printing NaN losses; so the driver checks what reaches it from each rank, and fails the run
 * naming the step and the rank instead. (Expert gradients stay on their ranks, which check them
 * before the update.)
 */
final class NonFinite {
    static final String HINT = " (the training diverged; a smaller learning rate may help)";

    private NonFinite() {}

    /** What is not finite in {@code d}, as a failure, or null if all is. */
    static String in(RankReply.StepDone d) {
        String at = "step " + d.step() + ": ";
        double loss = d.report().taskLoss();
        if (!Double.isFinite(loss)) return at + "rank " + d.rank() + "'s loss is " + word(loss) + HINT;
        float router = d.report().routerLoss();
        if (!Float.isFinite(router)) return at + "rank " + d.rank() + "'s router loss is " + word(router) + HINT;
        if (d.gateGradient() != null && !Checks.allFinite(d.gateGradient()))
            return at + "the gate gradient from rank " + d.rank() + " has a non-finite value" + HINT;
        List<ExpertGrads> shared = d.sharedGradient();
        for (int i = 0; i < shared.size(); i++) {
            if (!shared.get(i).allFinite())
                return at + "the gradient of shared expert " + i + " from rank " + d.rank() + " has a non-finite value" + HINT;
        }
        return null;
    }

    private static String word(double x) {
        return Double.isNaN(x) ? "NaN" : "infinite";
    }
}
