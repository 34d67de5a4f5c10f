package switchyard.math.linalg;

/**
 * One product {@code c (+)= op(a)·op(b)} with its optional bias/ReLU epilogue, as raw arrays: what
 * the packed kernels' per-thread product drivers ({@link Product}, {@link AmxProduct}) hold while
 * they run one. Their parts read these fields; the owner writes them only between products.
 */
abstract class ProductOperands {

    float[] a;
    boolean transA;
    /** Row length of a's backing array. */
    int lda;
    float[] b;
    boolean transB;
    int ldb;
    /** Row-major [m×n]. */
    float[] c;
    int m;
    int n;
    int k;
    boolean accumulate;
    /** Null when there is no bias. */
    float[] bias;
    boolean relu;

    final void describe(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb,
                        float[] c, int m, int n, int k, boolean accumulate, float[] bias, boolean relu) {
        this.a = a;
        this.transA = transA;
        this.lda = lda;
        this.b = b;
        this.transB = transB;
        this.ldb = ldb;
        this.c = c;
        this.m = m;
        this.n = n;
        this.k = k;
        this.accumulate = accumulate;
        this.bias = bias;
        this.relu = relu;
    }

    /** Drops the operand references so an idle thread's reusable instance does not pin them. */
    void forget() {
        a = null;
        b = null;
        c = null;
        bias = null;
    }
}
