package switchyard.math.expert;

import org.ejml.data.FMatrixRMaj;

/**
 * A per-thread matrix for intermediates that never leave one call, such as the hidden-layer
 * gradient of {@link Expert#backward}: allocating a fresh [n×H] matrix every call meant zeroing
 * (and, for such large arrays, often first faulting in) 8 MiB per expert per step only to
 * overwrite it. Per thread rather than per expert, so concurrent callers never share one; it
 * grows to the largest shape seen and is then reused.
 */
final class Scratch {
    private static final ThreadLocal<FMatrixRMaj> HIDDEN_GRADIENT = ThreadLocal.withInitial(() -> new FMatrixRMaj(0, 0));

    private Scratch() {}

    /** This thread's hidden-gradient matrix, reshaped to {@code rows × cols}; contents undefined. */
    static FMatrixRMaj hiddenGradient(int rows, int cols) {
        FMatrixRMaj m = HIDDEN_GRADIENT.get();
        m.reshape(rows, cols, false);
        return m;
    }
}
