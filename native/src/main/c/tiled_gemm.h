/*
 * The product loop and the JNI entry points both AVX-512 kernels share (included, last, by
 * bf16_gemm.c and f32_gemm.c): they differ only in what a packed step holds (a pair of bfloat16
 * values of k, or one float32 value), in their micro-kernel (sumTile) and in their packers. Before
 * including it a kernel defines:
 *   STEP          the packed element type, 32 bits (uint32_t for bfloat16 pairs, float)
 *   KSTEPS        steps per k block: 256 values of k, math's BlockedProduct.KC
 *   STEPS(k)      steps holding k values of k
 *   JNI(f)        the JNI name of method f of its Java class
 * and its packers (packRowsA, packColumnsA, packRowsB, packColumnsB), the strides of its layouts
 * (rowStride, panelStrideA, panelStrideB, in steps) and sumTile.
 *
 * Order of summation, fixed by the shapes alone: every C element is summed over k in blocks of
 * 256 values, each block one float32 chain in increasing k from zero, added to the running value
 * (C, or zero) in increasing block order; then the bias is added and ReLU applied. That is the
 * order of math's vector kernel. Threads split C into rectangles, never k, so no result depends on
 * the thread count.
 *
 * Packed operands live in direct ByteBuffers, from their first 64-byte boundary on, so that each
 * B vector the kernel loads is one cache line.
 */
#ifndef SWITCHYARD_TILED_GEMM_H
#define SWITCHYARD_TILED_GEMM_H

#include <jni.h>
#include <stdint.h>
#include <stddef.h>

/* B panels (of NR columns) per column block: the C block of a part (192 rows unless the Java side
   cut them shorter: 192 KiB) stays in L2 while all of k is swept over it, next to the A and B
   blocks of one k block. */
#define PANELS_PER_BLOCK 4

typedef struct {
    const STEP *pa;       /* the part's rows of A, from its first on */
    size_t tileStride, rowStride, stepStride; /* in pa: from a tile of MR rows to the next, a row, a step */
    const STEP *pb;       /* all of B */
    float *c;
    int n, steps;
    int accumulate;
    const float *bias;    /* NULL: none */
    int relu;
} Product;

/*
 * Rows [i0, i1) x panels [jp0, jp1) of C, over all of k. Column blocks outermost, so that the C
 * block is read from memory once and revisited in L2 for each k block; within a k block each B
 * micro-panel is swept down all the part's A panels, and the A block streams from L2.
 */
static void rectangle(const Product *pr, int i0, int i1, int jp0, int jp1, int n) {
    int panels = (i1 - i0 + MR - 1) / MR;
    int steps = pr->steps;
    __m512 acc[MR][NV];
    for (int jc = jp0; jc < jp1; jc += PANELS_PER_BLOCK) {
        int jcEnd = jc + PANELS_PER_BLOCK < jp1 ? jc + PANELS_PER_BLOCK : jp1;
        for (int pc = 0; pc < steps; pc += KSTEPS) {
            int count = steps - pc < KSTEPS ? steps - pc : KSTEPS;
            int load = pr->accumulate || pc > 0;
            int last = pc + KSTEPS >= steps;
            for (int jp = jc; jp < jcEnd; jp++) {
                int cols = n - jp * NR < NR ? n - jp * NR : NR;
                const float *bias = pr->bias == NULL ? NULL : pr->bias + jp * NR;
                const STEP *bp = pr->pb + jp * panelStrideB(steps) + (size_t) pc * NR;
                for (int ip = 0; ip < panels; ip++) {
                    int row = i0 + ip * MR;
                    sumTile(pr->pa + ip * pr->tileStride + pc * pr->stepStride, pr->rowStride, pr->stepStride, bp, count, acc);
                    finishTile(acc, pr->c + (size_t) row * n + jp * NR, n, i1 - row < MR ? i1 - row : MR, cols,
                               load, last, bias, pr->relu);
                }
            }
        }
    }
}

/* The first 64-byte boundary of a direct buffer (Java allocates 64 bytes more than it needs). */
static STEP *aligned(JNIEnv *env, jobject buffer) {
    uintptr_t at = (uintptr_t) (*env)->GetDirectBufferAddress(env, buffer);
    return (STEP *) ((at + 63) & ~(uintptr_t) 63);
}

/* Packs part of the logical k x n B: panels [from, to) of b transposed (`trans`), else steps of k
   [from, to) of b, so that either way the source is read along its rows. */
JNIEXPORT void JNICALL JNI(packB)(JNIEnv *env, jclass cls,
        jfloatArray b, jboolean trans, jint ldb, jint k, jint n, jint from, jint to, jobject packed) {
    STEP *dst = aligned(env, packed);
    float *src = (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    if (src == NULL) {
        return;
    }
    if (trans) {
        packColumnsB(src, ldb, k, n, STEPS(k), from, to, dst);
    } else {
        packRowsB(src, ldb, k, n, STEPS(k), from, to, dst);
    }
    (*env)->ReleasePrimitiveArrayCritical(env, b, src, JNI_ABORT);
}

/* Packs steps of k [q0, q1) of all m rows of the logical A = a transposed (a is k x m). */
JNIEXPORT void JNICALL JNI(packTransposedA)(JNIEnv *env, jclass cls,
        jfloatArray a, jint lda, jint k, jint m, jint q0, jint q1, jobject packed) {
    STEP *dst = aligned(env, packed);
    float *src = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    if (src == NULL) {
        return;
    }
    packColumnsA(src, lda, k, m, STEPS(k), q0, q1, dst);
    (*env)->ReleasePrimitiveArrayCritical(env, a, src, JNI_ABORT);
}

/* Rows [i0, i1) x panels [jp0, jp1) of C. With transA, packedA holds all of A, packed by
   packTransposedA, and a is not read; otherwise packedA is scratch, into which those rows of A are
   packed first: there they stay in cache for the multiply that follows (packing all of A first
   would send it through memory). */
JNIEXPORT void JNICALL JNI(multiplyBlock)(JNIEnv *env, jclass cls,
        jfloatArray a, jboolean transA, jint lda, jobject packedB, jobject packedA,
        jfloatArray c, jint n, jint k, jint i0, jint i1, jint jp0, jint jp1,
        jboolean accumulate, jfloatArray bias, jboolean relu) {
    Product pr;
    pr.n = n;
    pr.steps = STEPS(k);
    pr.accumulate = accumulate;
    pr.relu = relu;
    STEP *pa = aligned(env, packedA);
    if (transA) {
        pr.pa = pa + (i0 / MR) * panelStrideA(pr.steps); /* the Java side starts parts at whole tiles */
        pr.tileStride = panelStrideA(pr.steps);
        pr.rowStride = 1;
        pr.stepStride = MR;
    } else {
        pr.pa = pa;
        pr.rowStride = rowStride(pr.steps);
        pr.tileStride = MR * pr.rowStride;
        pr.stepStride = 1;
    }
    pr.pb = aligned(env, packedB);
    if (!transA) {
        /* A is not read after packing: released before the multiply, so that a garbage collection
           waits for the packing alone, not for the whole rectangle too. */
        float *src = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
        if (src == NULL) {
            return;
        }
        packRowsA(src, lda, k, pr.steps, i0, i1, pa);
        (*env)->ReleasePrimitiveArrayCritical(env, a, src, JNI_ABORT);
    }
    pr.c = (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    if (pr.c == NULL) {
        return;
    }
    pr.bias = bias == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, bias, NULL);
    if (bias == NULL || pr.bias != NULL) {
        rectangle(&pr, i0, i1, jp0, jp1, n);
    }
    if (pr.bias != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, bias, (void *) pr.bias, JNI_ABORT);
    }
    (*env)->ReleasePrimitiveArrayCritical(env, c, pr.c, 0);
}

#endif
