package switchyard.math.linalg;

/**
 * One product {@code c (+)= op(a)·op(b)} with its optional bias/ReLU epilogue, as raw arrays: what
 * the packed kernels' per-thread product drivers ({@link Product}, and the native module's) hold
 * while they run one. Their parts read these fields; the owner writes them only between products.
 *
 * <p>Public, with protected members, so that a driver in another package describes its product
 * the same way.
 */
public abstract class ProductOperands {

    protected float[] a;
    protected boolean transA;
    /** Row length of a's backing array. */
    protected int lda;
    protected float[] b;
    protected boolean transB;
    protected int ldb;
    /** Row-major [m×n]. */
    protected float[] c;
    protected int m;
    protected int n;
    protected int k;
    protected boolean accumulate;
    /** Null when there is no bias. */
    protected float[] bias;
    protected boolean relu;

    /** Sets every operand of the next product; between products only. */
    protected final void describe(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb,
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
    protected void forget() {
        a = null;
        b = null;
        c = null;
        bias = null;
    }
}
