package switchyard.actors.report;

import switchyard.actors.network.Units;

import java.util.Locale;

/** Human-readable bytes and seconds for tables. */
public final class Sizes {
    private Sizes() {}

    public static String bytes(double b) {
        if (b >= 1 << 30) return String.format(Locale.ROOT, "%.2f GiB", b / (1 << 30));
        if (b >= 1 << 20) return String.format(Locale.ROOT, "%.2f MiB", b / (1 << 20));
        if (b >= 1 << 10) return String.format(Locale.ROOT, "%.1f KiB", b / (1 << 10));
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    public static String seconds(double s) {
        return Units.formatTime(s);
    }
}
