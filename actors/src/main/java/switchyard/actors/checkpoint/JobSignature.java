package switchyard.actors.checkpoint;

import switchyard.math.gate.RoutingOptions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a checkpoint's numbers mean: the job's shape and every option that changes the arithmetic of
 * training (routing, optimizer, precision), each under its command-line name, its value as text.
 * The manifest records it and a resume compares it, since continuing a checkpoint under other
 * options silently trains another model than the one it holds.
 *
 * @param options option name without its dashes → value, in a fixed order: {@code ""} for an unset
 *                option, {@code true}/{@code false} for a switch
 */
public record JobSignature(Map<String, String> options) {
    public JobSignature {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The first option whose value differs, as {@code the checkpoint was made with --top-k 2, this run
     * has --top-k 1}; options in {@code run}'s order. An option one side lacks counts as unset.
     */
    public Optional<String> firstDifference(JobSignature run) {
        Set<String> names = new LinkedHashSet<>(run.options.keySet());
        names.addAll(options.keySet());
        for (String name : names) {
            String was = options.getOrDefault(name, ""), is = run.options.getOrDefault(name, "");
            if (!was.equals(is)) return Optional.of("the checkpoint was made with " + phrase(name, was) + ", this run has " + phrase(name, is));
        }
        return Optional.empty();
    }

    private static String phrase(String name, String value) {
        if (value.isEmpty() || value.equals("false")) return "no --" + name;
        return value.equals("true") ? "--" + name : "--" + name + " " + value;
    }

    /** Collects options in the order they are added. */
    public static final class Builder {
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder() {}

        /** {@code value} null means unset. */
        public Builder put(String name, Object value) {
            if (options.put(name, value == null ? "" : String.valueOf(value)) != null)
                throw new IllegalArgumentException("option " + name + " is in the signature twice");
            return this;
        }

        /** Every routing option, under the names of {@code RoutingMixin}'s flags. */
        public Builder routing(RoutingOptions r) {
            return put("routing", r.kind().label()).put("top-k", r.topK()).put("score", r.score().label())
                    .put("route-scale", r.routeScale()).put("norm-topk", r.normTopK()).put("groups", r.groups())
                    .put("topk-groups", r.topkGroups()).put("bias-update-rate", r.biasUpdateRate())
                    .put("capacity-factor", r.capacityFactor()).put("capacity", r.fixedCapacity())
                    .put("eval-capacity-factor", r.evalCapacityFactor()).put("min-capacity", r.minCapacity())
                    .put("dropless", r.dropless()).put("noise", r.noise().name().toLowerCase(Locale.ROOT))
                    .put("jitter-eps", r.jitterEps()).put("aux", r.aux().label()).put("aux-weight", r.auxLossWeight())
                    .put("aux-e2", r.auxLossScaleBySquaredExperts()).put("z-loss", r.zLossWeight())
                    .put("random-priority", r.randomTokenPriority())
                    .put("normalize-weights", r.normalizeWeights()); // no flag: always on from the command line
        }

        public JobSignature build() {
            return new JobSignature(options);
        }
    }
}
