package switchyard.actors.wire;

/**
 * Where the rows of a decoded exchange part get their float array: a new one, or one a receiver
 * has handed back (the data plane reuses them, see {@code transport.RowArrays}).
 */
@FunctionalInterface
public interface FloatArrays {
    /** An array of exactly {@code length} floats, contents unspecified (it is overwritten at once). */
    float[] take(int length);

    FloatArrays NEW = float[]::new;
}
