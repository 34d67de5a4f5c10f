package switchyard.actors.network;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Times and bandwidths with units, as users write them: {@code 5us}, {@code 1.5ms}, {@code 100Gbps}, {@code 25GB/s}. */
public final class Units {
    private Units() {}

    private static final Pattern QUANTITY = Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(\\S+)\\s*");

    private static final Map<String, Double> TIME = Map.of("ns", 1e-9, "us", 1e-6, "µs", 1e-6, "ms", 1e-3, "s", 1.0);

    /** Decimal prefixes; bandwidths are quoted in powers of ten (a 100 Gbps NIC moves 12.5·10⁹ B/s). */
    private static final Map<String, Double> PREFIX = Map.of("", 1.0, "k", 1e3, "m", 1e6, "g", 1e9, "t", 1e12);

    private static final Map<String, Double> BINARY = Map.of("ki", 1024.0, "mi", 1024.0 * 1024, "gi", 1024.0 * 1024 * 1024,
            "ti", 1024.0 * 1024 * 1024 * 1024);

    /** Seconds in {@code text}: a number and one of ns, us (µs), ms, s. */
    public static double seconds(String text) {
        Matcher m = match(text, "a time", "5us");
        Double unit = TIME.get(m.group(2));
        if (unit == null) throw new IllegalArgumentException("unknown time unit in '" + text + "'; use ns, us, ms or s");
        return Double.parseDouble(m.group(1)) * unit;
    }

    /**
     * Bytes per second in {@code text}. Bits: {@code bps, Kbps, Mbps, Gbps, Tbps} (any case) or
     * {@code b/s, Kb/s, …}; bytes: {@code B/s, KB/s, MB/s, GB/s, TB/s} and {@code KiB/s, MiB/s, GiB/s}.
     * In the {@code /s} forms a capital B means bytes and a small b bits.
     */
    public static double bytesPerSecond(String text) {
        Matcher m = match(text, "a bandwidth", "100Gbps");
        String unit = m.group(2);
        Double scale = null;
        String lower = unit.toLowerCase(Locale.ROOT);
        if (lower.endsWith("bps")) {
            Double prefix = PREFIX.get(lower.substring(0, lower.length() - 3));
            if (prefix != null) scale = prefix / 8;
        } else if (unit.endsWith("B/s") || unit.endsWith("b/s")) {
            String prefix = unit.substring(0, unit.length() - 3).toLowerCase(Locale.ROOT);
            Double factor = PREFIX.containsKey(prefix) ? PREFIX.get(prefix) : unit.endsWith("B/s") ? BINARY.get(prefix) : null;
            if (factor != null) scale = unit.endsWith("B/s") ? factor : factor / 8;
        }
        if (scale == null)
            throw new IllegalArgumentException("unknown bandwidth unit in '" + text + "'; use bps, Kbps, Mbps, Gbps, Tbps (bits) "
                    + "or B/s, KB/s, MB/s, GB/s, TB/s, GiB/s (bytes)");
        return Double.parseDouble(m.group(1)) * scale;
    }

    private static Matcher match(String text, String what, String example) {
        Matcher m = QUANTITY.matcher(text == null ? "" : text);
        if (!m.matches())
            throw new IllegalArgumentException("'" + text + "' is not " + what + " with a unit, e.g. " + example);
        return m;
    }

    public static String formatTime(double seconds) {
        if (seconds == 0) return "0 s";
        if (seconds < 1e-6) return String.format(Locale.ROOT, "%.3g ns", seconds * 1e9);
        if (seconds < 1e-3) return String.format(Locale.ROOT, "%.3g us", seconds * 1e6);
        if (seconds < 1) return String.format(Locale.ROOT, "%.3g ms", seconds * 1e3);
        return String.format(Locale.ROOT, "%.3g s", seconds);
    }

    public static String formatBandwidth(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.4g Gbps", bytesPerSecond * 8 / 1e9);
    }
}
