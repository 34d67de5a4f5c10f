package switchyard.actors.report;

import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Phase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the steps' time went: per {@link Phase}, the mean per rank per update, in milliseconds.
 * The token side's waits ({@code expert_output}, {@code input_grad}) contain the expert compute
 * they wait for, so the phases do not add up to the step.
 */
public record PhaseTimes(double[] millis) {

    public PhaseTimes {
        if (millis.length != Phase.values().length)
            throw new IllegalArgumentException(millis.length + " phase times for " + Phase.values().length + " phases");
        millis = millis.clone();
    }

    public static PhaseTimes of(List<StepMetrics> steps) {
        double[] ms = new double[Phase.values().length];
        for (StepMetrics m : steps)
            for (long[] rank : m.phaseNanos())
                for (int p = 0; p < ms.length; p++) ms[p] += rank[p] / 1e6 / steps.size() / m.worldSize();
        return new PhaseTimes(ms);
    }

    public double millis(Phase p) {
        return millis[p.ordinal()];
    }

    /** The phases that took any time, as {@code "route 6.50, dispatch 11.52, ..."}. */
    public String line() {
        return line(asMap());
    }

    /** {@link #line} of phase times by key, as {@link #asMap} gives them (and JSON keeps them). */
    public static String line(Map<String, Double> millisByPhase) {
        StringBuilder s = new StringBuilder();
        millisByPhase.forEach((phase, ms) -> {
            if (ms > 0) s.append(s.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s %.2f", phase, ms));
        });
        return s.toString();
    }

    /** Every phase by its key, for JSON. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Phase p : Phase.values()) m.put(MetricsLog.key(p), millis(p));
        return m;
    }
}
