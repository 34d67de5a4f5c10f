package switchyard.actors.network;


import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a step would cost on a real network, from the traffic it really produced. Formulas (README,
 * "Network model"):
 * <ul>
 *   <li>rank r's send time in an exchange: {@code Σ_{d≠r} (α_rd + bytes[r][d]/β_rd)}, its receive
 *       time likewise over incoming messages; a rank sends one message after another and receives one
 *       after another, but sends and receives at once (full duplex); r→r costs nothing and so does an
 *       absent (0-byte) message;</li>
 *   <li>the all-to-all time of an exchange: {@code max_r max(send_r, receive_r)};</li>
 *   <li>compute: per rank the sum of its compute phases as measured (route, expert forward, combine,
 *       expert backward, gate backward), maximum over ranks;</li>
 *   <li>step time: compute + Σ over the four exchanges; with {@code overlap}, each exchange hides
 *       behind the compute it feeds ({@code route + Σ_p max(exchange_p, compute_p)}, compute_p the
 *       slowest rank's time in the phase paired with exchange p: dispatch–expert forward,
 *       expert output–combine, output gradient–expert backward, input gradient–gate backward).</li>
 * </ul>
 */
public record NetworkModel(Topology topology, boolean overlap) {

    public static final String DEFAULT_SPEC = "latency=5us,bandwidth=100Gbps";

    /** Phases that are computation; the other phases of {@link Phase} are waits for exchanges, or the update. */
    public static final Set<Phase> COMPUTE = Set.of(Phase.ROUTE, Phase.EXPERT_FORWARD, Phase.COMBINE,
            Phase.EXPERT_BACKWARD, Phase.GATE_BACKWARD);

    /** The compute phase each exchange can overlap with, by {@link Exchange} ordinal. */
    private static final Phase[] OVERLAPPED_BY = {Phase.EXPERT_FORWARD, Phase.COMBINE, Phase.EXPERT_BACKWARD, Phase.GATE_BACKWARD};

    private static final List<String> KEYS = List.of("latency", "bandwidth", "topology", "inter-latency", "inter-bandwidth", "overlap");

    /**
     * Parses {@code latency=5us,bandwidth=100Gbps[,topology=flat|2level:G][,inter-latency=T,inter-bandwidth=B][,overlap]}.
     * Missing latency or bandwidth take the defaults of {@link #DEFAULT_SPEC}; between groups of a
     * 2level topology the defaults are twice the latency and a quarter of the bandwidth.
     */
    public static NetworkModel parse(String spec) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : (spec == null ? "" : spec).split(",")) {
            String item = part.trim();
            if (item.isEmpty()) continue;
            int eq = item.indexOf('=');
            String key = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? (key.equals("overlap") ? "on" : null) : item.substring(eq + 1).trim();
            if (value == null) throw new IllegalArgumentException("network spec: '" + item + "' is not key=value (keys: " + String.join(", ", KEYS) + ")");
            if (!KEYS.contains(key))
                throw new IllegalArgumentException("network spec: unknown key '" + key + "' (keys: " + String.join(", ", KEYS) + ")");
            if (values.put(key, value) != null) throw new IllegalArgumentException("network spec: '" + key + "' given twice");
        }
        LinkSpec link = new LinkSpec(Units.seconds(values.getOrDefault("latency", "5us")),
                Units.bytesPerSecond(values.getOrDefault("bandwidth", "100Gbps")));
        boolean overlap = switch (values.getOrDefault("overlap", "off").toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("network spec: overlap must be on or off, got '" + values.get("overlap") + "'");
        };
        String topology = values.getOrDefault("topology", "flat").toLowerCase(Locale.ROOT);
        boolean inter = values.containsKey("inter-latency") || values.containsKey("inter-bandwidth");
        if (topology.equals("flat")) {
            if (inter) throw new IllegalArgumentException("network spec: inter-latency and inter-bandwidth need topology=2level:G");
            return new NetworkModel(new Topology.Flat(link), overlap);
        }
        if (!topology.startsWith("2level:"))
            throw new IllegalArgumentException("network spec: topology must be flat or 2level:G (G ranks per group), got '" + topology + "'");
        int group;
        try {
            group = Integer.parseInt(topology.substring("2level:".length()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("network spec: 2level:G needs a whole number of ranks per group, got '" + topology + "'");
        }
        double interLatency = values.containsKey("inter-latency") ? Units.seconds(values.get("inter-latency")) : 2 * link.latency();
        double interBandwidth = values.containsKey("inter-bandwidth")
                ? Units.bytesPerSecond(values.get("inter-bandwidth")) : link.bandwidth() / 4;
        return new NetworkModel(new Topology.TwoLevel(group, link, new LinkSpec(interLatency, interBandwidth)), overlap);
    }

    /** One exchange: each rank's serialised send and receive times, and the exchange's time. */
    public record AllToAllTime(double[] send, double[] receive, double seconds) {}

    /** {@code bytes[src][dst]}: one exchange's traffic. */
    public AllToAllTime allToAll(long[][] bytes) {
        int w = bytes.length;
        double[] send = new double[w];
        double[] receive = new double[w];
        for (int src = 0; src < w; src++) {
            for (int dst = 0; dst < w; dst++) {
                if (src == dst) continue;
                double t = topology.link(src, dst).seconds(bytes[src][dst]);
                send[src] += t;
                receive[dst] += t;
            }
        }
        double seconds = 0;
        for (int r = 0; r < w; r++) seconds = Math.max(seconds, Math.max(send[r], receive[r]));
        return new AllToAllTime(send, receive, seconds);
    }

    /**
     * The estimate for one step.
     *
     * @param computeSeconds  the slowest rank's measured compute
     * @param exchangeSeconds estimated all-to-all time per {@link Exchange}
     * @param stepSeconds     compute and communication combined as the model says
     */
    public record Estimate(double computeSeconds, double[] exchangeSeconds, double stepSeconds) {
        public double communicationSeconds() {
            double sum = 0;
            for (double s : exchangeSeconds) sum += s;
            return sum;
        }
    }

    public Estimate estimate(StepMetrics m) {
        double[] exchange = new double[Exchange.values().length];
        for (Exchange x : Exchange.values()) exchange[x.ordinal()] = allToAll(m.bytes()[x.ordinal()]).seconds();
        double compute = 0;
        for (long[] rank : m.phaseNanos()) {
            long sum = 0;
            for (Phase p : COMPUTE) sum += rank[p.ordinal()];
            compute = Math.max(compute, sum / 1e9);
        }
        double step;
        if (overlap) {
            step = slowest(m, Phase.ROUTE);
            for (Exchange x : Exchange.values()) step += Math.max(exchange[x.ordinal()], slowest(m, OVERLAPPED_BY[x.ordinal()]));
        } else {
            step = compute;
            for (double s : exchange) step += s;
        }
        return new Estimate(compute, exchange, step);
    }

    /** The slowest rank's time in {@code phase}, seconds. */
    private static double slowest(StepMetrics m, Phase phase) {
        long max = 0;
        for (long[] rank : m.phaseNanos()) max = Math.max(max, rank[phase.ordinal()]);
        return max / 1e9;
    }

    @Override
    public String toString() {
        return topology + (overlap ? ", communication overlaps compute" : "");
    }
}
