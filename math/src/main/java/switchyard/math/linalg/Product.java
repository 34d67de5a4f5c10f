package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.MR;
import static switchyard.math.linalg.MicroKernel.NR;

/**
 * One product {@code c (+)= op(a)·op(b)} with its optional bias/ReLU epilogue, and how it is cut
 * into parts for worker threads. Instances are per calling thread and reused (see {@link #local}),
 * so dispatching a product allocates nothing.
 *
 * <p>Parts are whole {@link MicroKernel#MR}-row strips or {@link MicroKernel#NR}-column panels of
 * C, never slices of k, so every output element is computed by exactly one thread in the same
 * order it would be computed by a single thread.
 */
final class Product implements WorkerPool.Task {

    private static final ThreadLocal<Product> LOCAL = ThreadLocal.withInitial(Product::new);

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

    private int parts = 1;
    private boolean splitRows = true;

    static Product local() {
        return LOCAL.get();
    }

    Product set(float[] a, boolean transA, int lda, float[] b, boolean transB, int ldb,
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
        return this;
    }

    /** Drops the operand references so an idle thread's reusable instance does not pin them. */
    void clear() {
        a = null;
        b = null;
        c = null;
        bias = null;
    }

    /**
     * Chooses how to cut the product into at most {@code maxParts} parts and returns the count.
     * Each part packs its own operand blocks, so a row split repeats the packing of B (k×n) in
     * every part and a column split repeats A (m×k): cut along the dimension whose repeat is
     * cheaper, unless it has too few tiles to share out.
     */
    int plan(int maxParts) {
        int rowStrips = (m + MR - 1) / MR;
        int colPanels = (n + NR - 1) / NR;
        boolean rowsCheaper = n <= m;
        splitRows = rowsCheaper ? rowStrips >= maxParts || rowStrips >= colPanels
                                : colPanels < maxParts && rowStrips > colPanels;
        parts = Math.max(1, Math.min(maxParts, splitRows ? rowStrips : colPanels));
        return parts;
    }

    @Override
    public void runPart(int part) {
        PackBuffers buffers = PackBuffers.local();
        if (splitRows) {
            int strips = (m + MR - 1) / MR;
            int i0 = MR * (int) ((long) strips * part / parts);
            int i1 = Math.min(m, MR * (int) ((long) strips * (part + 1) / parts));
            BlockedProduct.compute(this, i0, i1, 0, n, buffers);
        } else {
            int panels = (n + NR - 1) / NR;
            int j0 = NR * (int) ((long) panels * part / parts);
            int j1 = Math.min(n, NR * (int) ((long) panels * (part + 1) / parts));
            BlockedProduct.compute(this, 0, m, j0, j1, buffers);
        }
    }

    /** Runs every part on the calling thread. */
    void runAll() {
        BlockedProduct.compute(this, 0, m, 0, n, PackBuffers.local());
    }
}
