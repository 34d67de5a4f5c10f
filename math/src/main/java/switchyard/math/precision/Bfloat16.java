package switchyard.math.precision;

/**
 * bfloat16: the upper 16 bits of a float32 (sign, the same 8-bit exponent, 7 stored mantissa
 * bits). A float32 is rounded to the nearest bfloat16, ties to even, as PyTorch, oneDNN and the
 * hardware conversions ({@code vcvtneps2bf16}) do; NaN stays NaN (quiet), infinities and signed
 * zeros stay, and a finite value beyond the largest bfloat16 rounds to infinity.
 *
 * <p>The product of two bfloat16 values has at most 16 significant bits, so it is exact in
 * float32: a float32 kernel fed rounded operands computes exactly "bfloat16 operands, float32
 * accumulation" in its own order of summation.
 */
public final class Bfloat16 {
    private Bfloat16() {}

    /** The 16 bits of the bfloat16 nearest to {@code x}. */
    public static short bits(float x) {
        int f = Float.floatToRawIntBits(x);
        if ((f & 0x7fffffff) > 0x7f800000) return (short) ((f >>> 16) | 0x0040); // NaN: keep sign and payload's top, make it quiet
        int rounding = 0x7fff + ((f >>> 16) & 1); // ties go to the even upper half
        return (short) ((f + rounding) >>> 16);
    }

    /** The float32 value of bfloat16 {@code bits}: exact. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** {@code x} rounded to the nearest bfloat16, as a float32. */
    public static float round(float x) {
        return toFloat(bits(x));
    }

    /** Rounds {@code n} values of {@code from} starting at {@code offset} into {@code to} (which may be {@code from}). */
    public static void round(float[] from, float[] to, int offset, int n) {
        for (int i = offset; i < offset + n; i++) to[i] = round(from[i]);
    }
}
