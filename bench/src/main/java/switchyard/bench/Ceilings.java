package switchyard.bench;

import switchyard.bench.kernel.TileCeiling;
import switchyard.kernels.AmxMatMul;
import switchyard.kernels.Avx512Bf16MatMul;
import switchyard.bench.kernel.DotCeiling;
import switchyard.math.precision.Precision;
import switchyard.bench.kernel.FmaCeiling;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * What the cores can do right now, measured once per bench run and read against its figures: the
 * float32 FMA rate of the vector units, and where there are tiles, the AMX tile rate (bfloat16,
 * and the float32 rate it allows at three tile products per float32 product).
 *
 * @param fmaAll  FMA GFLOP/s on every core at once
 * @param amxOne  tile bfloat16 GFLOP/s on one thread; NaN without AMX
 * @param amxAll  on every core at once; NaN without AMX
 * @param cores   the cores used for the "all" figures
 * @param dotAll  AVX512-BF16 dot-product GFLOP/s on every core at once; NaN without it
 */
record Ceilings(double fmaAll, double amxOne, double amxAll, int cores, double dotAll) {

    /** Readings of a ceiling on every core, at most, when one looks disturbed (see {@link #onEveryCore}). */
    static final int TRIES = 3;
    /** An every-core reading below this share of cores × the one-thread reading is taken as disturbed. */
    static final double PLAUSIBLE_SCALING = 0.7;

    static Ceilings measure(PrintWriter out) {
        int cores = Runtime.getRuntime().availableProcessors();
        double fmaOne = FmaCeiling.gflops(1);
        double fmaAll = onEveryCore(fmaOne, cores, () -> FmaCeiling.gflops(cores), out, "FMA");
        out.printf(Locale.ROOT, "FMA ceiling (register-only loop)    %.1f GFLOP/s on 1 thread, %.1f on %d%n", fmaOne, fmaAll, cores);
        double amxOne = Double.NaN, amxAll = Double.NaN;
        if (AmxMatMul.available()) {
            amxOne = TileCeiling.bf16Gflops(1);
            amxAll = TileCeiling.bf16Gflops(cores);
            out.printf(Locale.ROOT, "AMX ceiling (register-only tiles)   %.0f bfloat16 GFLOP/s on 1 thread, %.0f on %d:"
                    + " at most %.0f / %.0f float32 GFLOP/s for a product on tiles (bf16x3)%n",
                    amxOne, amxAll, cores, float32(amxOne), float32(amxAll));
        } else {
            out.println("AMX ceiling                          not measured: " + AmxMatMul.unavailableReason());
        }
        double dotAll = Double.NaN;
        if (Avx512Bf16MatMul.available()) {
            double dotOne = DotCeiling.bf16Gflops(1);
            dotAll = onEveryCore(dotOne, cores, () -> DotCeiling.bf16Gflops(cores), out, "AVX512-BF16");
            out.printf(Locale.ROOT, "AVX512-BF16 ceiling (VDPBF16PS)      %.1f bfloat16 GFLOP/s on 1 thread, %.1f on %d%n", dotOne, dotAll, cores);
        } else {
            out.println("AVX512-BF16 ceiling                  not measured: " + Avx512Bf16MatMul.unavailableReason());
        }
        out.println();
        return new Ceilings(fmaAll, amxOne, amxAll, cores, dotAll);
    }

    /**
     * A register-only loop on every core at once, given its one-thread reading {@code one}: the
     * loops share nothing, so the cores' rate is close to cores × one unless a neighbour took a
     * core while it ran. Then every "of ceiling" figure read against it would be overstated (a
     * reading of 251 GFLOP/s on two cores after 219 on one made one 139 %), so a reading below
     * {@link #PLAUSIBLE_SCALING} of that is taken again, up to {@link #TRIES} readings in all; the
     * best is kept, and a warning says so when even that stays low.
     */
    static double onEveryCore(double one, int cores, DoubleSupplier reading, PrintWriter out, String what) {
        double best = 0;
        for (int t = 0; t < TRIES; t++) {
            best = Math.max(best, reading.getAsDouble());
            if (cores == 1 || best >= PLAUSIBLE_SCALING * cores * one) {
                return best;
            }
        }
        out.printf(Locale.ROOT, "warning: the %s ceiling on %d cores read %.1f GFLOP/s at best in %d tries, %.2f times its one-thread"
                + " reading: the machine was busy, and figures read against it are overstated%n", what, cores, best, TRIES, best / one);
        return best;
    }

    /**
     * The CPU's model name with its family and model numbers, from {@code /proc/cpuinfo} (every
     * figure names the CPU it came from); "unknown" elsewhere.
     */
    static String cpuModel() {
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"));
            String name = field(lines, "model name"), family = field(lines, "cpu family"), model = field(lines, "model");
            return name == null ? "unknown" : name + " (family " + family + ", model " + model + ")";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String field(java.util.List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) return line.substring(colon + 1).trim();
        }
        return null;
    }

    /**
     * What the expert products of {@code p} can reach on every core: the FMA ceiling for float32
     * (on tiles the AMX columns say more), the tile rate or else the dot-product rate for bfloat16;
     * NaN when the machine has no native bfloat16 unit.
     */
    double forPrecision(Precision p) {
        if (p == Precision.FP32) return fmaAll;
        return hasAmx() ? amxAll : dotAll;
    }

    boolean hasAmx() {
        return !Double.isNaN(amxAll);
    }

    /**
     * The float32 rate products on tiles could reach on every core at once, measured now (a tenth
     * of a second): the tiles' speed moves within seconds. NaN without AMX.
     */
    double amxFloat32Now() {
        return hasAmx() ? float32(TileCeiling.bf16Gflops(cores)) : Double.NaN;
    }

    private static double float32(double bf16) {
        return bf16 / TileCeiling.TILE_PRODUCTS_PER_FLOAT32_PRODUCT;
    }

    /** The JSON figure {@code amx_ceiling}; null without AMX. */
    Map<String, Object> amxJson() {
        if (!hasAmx()) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bf16_gflops_1_thread", amxOne);
        m.put("bf16_gflops", amxAll);
        m.put("float32_gflops_1_thread", float32(amxOne));
        m.put("float32_gflops", float32(amxAll));
        m.put("threads", cores);
        return m;
    }
}
