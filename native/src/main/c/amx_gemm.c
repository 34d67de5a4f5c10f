/*
 * Float32 products on Intel AMX: each operand is split into two bfloat16 parts, x = hi + lo with
 * hi = bf16(x) and lo = bf16(x - hi), and the product is summed as hi·hi + hi·lo + lo·hi
 * ("bf16x3") by TDPBF16PS, which accumulates in float32. The dropped lo·lo term and the rounding
 * of lo leave a relative error of up to about 2^-16 per term (float32 rounds a term to 2^-24);
 * over long dot products of like-sized terms these unbiased errors average out to the size of
 * float32's own summation error. Only called after amx_detect.c said yes; the Java side is
 * AmxNative/AmxProduct.
 *
 * Packed operands live in direct ByteBuffers, from their first 64-byte boundary on: tile rows are
 * 64 bytes, and rows straddling two cache lines (as in a Java float[], 16-byte aligned) slow
 * the multiply badly. Layout:
 *   a k step is 32 values of k; ks = ceil(k/32) steps, zero-padded.
 *   A: panels of 32 rows; panel ip, step s holds four 16x32 tiles: hi rows 0-15, hi rows 16-31,
 *      lo rows 0-15, lo rows 16-31; a tile row is one row's 32 k values.
 *   B: panels of 32 columns; panel jp, step s holds hi cols 0-15, hi cols 16-31, lo cols 0-15,
 *      lo cols 16-31, each in the pair-interleaved (VNNI) layout: tile row q holds, for its 16
 *      columns, k = 2q and k = 2q+1 side by side.
 * Every C element is summed over k in increasing steps, in one fixed order for a given shape, so
 * results never depend on how Java splits the rectangles between threads.
 */
#include <jni.h>
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "amx_tiles.h"

#define TILE 512                  /* bf16 per 16x32 tile */
#define STEP (4 * TILE)           /* bf16 per panel per k step */
#define STEPS_PER_BLOCK 16        /* k steps per pass over a C block (512 values of k) */
#define PANELS_PER_BLOCK 8        /* B panels sharing one pass of an A panel (256 columns) */
#include "amx_pack.h"

/*
 * The C block after this one is asked for, for writing, spread over this block's steps (2 rows a
 * step in a 16-step block): its lines then arrive while the tiles multiply, not when its tile
 * stores (or loads) need them, and the stores no longer hold the core's line-fill slots that the
 * operand tile loads from L2 need. The rows are spread over all steps rather than asked for in
 * the first few, which does better still where C lies on 2 MiB pages.
 * Asked for here: rows [r0, r0+rows) of a 32x32 block (none past its last), each 128 bytes,
 * which in a Java float[] (16-byte aligned) span up to three cache lines.
 */
static inline void prefetchRows(const float *c, long ld, int r0, int rows) {
    for (int r = r0; r < r0 + rows && r < 32; r++) {
        __builtin_prefetch(c + r * ld, 1, 3);
        __builtin_prefetch(c + r * ld + 16, 1, 3);
        __builtin_prefetch(c + r * ld + 31, 1, 3);
    }
}

/*
 * C tiles 0-3 += the block's steps. Per step lo·hi, hi·hi, hi·lo: each group keeps one operand's
 * tiles from the group before, so a step loads eight tiles for twelve tile products (hi·hi, hi·lo,
 * lo·hi in that order needs ten). The products stream their tiles from L2, so fewer loads is
 * faster.
 * A step's first four loads go out together, before any of its products: tile registers are not
 * renamed, so a load waits for the products still reading its register, and the products wait
 * for their loads; issued together, the four overlap those waits, where loading each tile just
 * before its first product would serialise them. Each C tile still sums lo·hi, hi·hi, hi·lo in
 * that order.
 */
static inline void sweep(const uint16_t *a, size_t aNext, const uint16_t *b, size_t bNext, int steps,
                         const float *nextC, long ld) {
    int perStep = (32 + steps - 1) / steps; /* rows of the next C block to ask for per step */
    for (int s = 0; s < steps; s++, a += aNext, b += bNext) {
        if (nextC != NULL) {
            prefetchRows(nextC, ld, s * perStep, perStep);
        }
        _tile_loadd(6, b, 64);              /* hi columns 0-15 */
        _tile_loadd(7, b + TILE, 64);       /* hi columns 16-31 */
        _tile_loadd(4, a + 2 * TILE, 64);   /* lo rows 0-15 */
        _tile_loadd(5, a + 3 * TILE, 64);   /* lo rows 16-31 */
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
        _tile_loadd(4, a, 64);              /* hi rows 0-15 */
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_loadd(5, a + TILE, 64);       /* hi rows 16-31 */
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
        _tile_loadd(6, b + 2 * TILE, 64);   /* lo columns 0-15 */
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(2, 5, 6);
        _tile_loadd(7, b + 3 * TILE, 64);   /* lo columns 16-31 */
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(3, 5, 7);
    }
}

/*
 * C tiles 0-3 += the block's steps with bfloat16 operands (--precision bf16): the hi halves are
 * the operands rounded to nearest even, so hi·hi alone is the product; one tile product per C
 * tile per step where float32 takes three. The lo halves are packed but never read.
 */
static inline void sweepHi(const uint16_t *a, size_t aNext, const uint16_t *b, size_t bNext, int steps,
                           const float *nextC, long ld) {
    int perStep = (32 + steps - 1) / steps;
    for (int s = 0; s < steps; s++, a += aNext, b += bNext) {
        if (nextC != NULL) {
            prefetchRows(nextC, ld, s * perStep, perStep);
        }
        _tile_loadd(4, a, 64);              /* hi rows 0-15 */
        _tile_loadd(5, a + TILE, 64);       /* hi rows 16-31 */
        _tile_loadd(6, b, 64);              /* hi columns 0-15 */
        _tile_loadd(7, b + TILE, 64);       /* hi columns 16-31 */
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
}

static inline void loadC(const float *c, long ld) {
    _tile_loadd(0, c, ld * 4);
    _tile_loadd(1, c + 16, ld * 4);
    _tile_loadd(2, c + 16 * ld, ld * 4);
    _tile_loadd(3, c + 16 * ld + 16, ld * 4);
}

static inline void storeC(float *c, long ld) {
    _tile_stored(0, c, ld * 4);
    _tile_stored(1, c + 16, ld * 4);
    _tile_stored(2, c + 16 * ld, ld * 4);
    _tile_stored(3, c + 16 * ld + 16, ld * 4);
}

typedef struct {
    const uint16_t *pa;
    const uint16_t *pb;
    float *c;
    int m, n, ks;
    int aStepMajor, bStepMajor;
    int aFirst, aPanels;          /* the A panels packed in pa */
    int bPanels;                  /* all of B's panels, packed in pb */
    int accumulate;
    const float *bias; /* NULL: none */
    int relu;
    int bf16;                     /* bfloat16 operands: hi·hi only (sweepHi) */
} Product;

/* Writes a finished block, rows x cols floats in the stand-in (rows 32 apart), to C at `to` (rows
   ld apart, from column col0 of C on), with the epilogue applied on the way. */
static inline void finish(const Product *pr, const float *stand, float *to, long ld, int rows, int cols, int col0) {
    const __m512 zero = _mm512_setzero_ps();
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < 32; j += 16) {
            __mmask16 lanes = firstLanes(cols - j);
            __m512 v = _mm512_maskz_loadu_ps(lanes, stand + r * 32 + j);
            if (pr->bias != NULL) {
                v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, pr->bias + col0 + j));
            }
            if (pr->relu) {
                v = _mm512_max_ps(zero, v); /* NaN stays NaN, like Math.max */
            }
            _mm512_mask_storeu_ps(to + r * ld + j, lanes, v);
        }
    }
}

/* One 32x32 block of C over steps [s0, s0+steps): C blocks that stick out of the matrix go through
   a 32x32 stand-in, so their cells get the same arithmetic as everyone else's; so do the blocks
   that finish with an epilogue (see below). */
static void block(const Product *pr, int ip, int jp, int s0, int steps, const float *nextC) {
    int row0 = ip * 32, col0 = jp * 32;
    int rows = pr->m - row0 < 32 ? pr->m - row0 : 32;
    int cols = pr->n - col0 < 32 ? pr->n - col0 : 32;
    int first = s0 == 0, last = s0 + steps == pr->ks;
    int full = rows == 32 && cols == 32;
    int epilogue = last && (pr->bias != NULL || pr->relu);
    float *c = pr->c + (size_t) row0 * pr->n + col0;
    float stand[32 * 32] __attribute__((aligned(64)));
    int startsFromC = !first || pr->accumulate;

    if (!startsFromC) {
        _tile_zero(0);
        _tile_zero(1);
        _tile_zero(2);
        _tile_zero(3);
    } else if (full) {
        loadC(c, pr->n);
    } else {
        memset(stand, 0, sizeof stand);
        for (int r = 0; r < rows; r++) {
            memcpy(stand + r * 32, c + (size_t) r * pr->n, (size_t) cols * 4);
        }
        loadC(stand, 32);
    }
    const uint16_t *pa = pr->pa + stepAt(pr->aStepMajor, ip - pr->aFirst, s0, pr->aPanels, pr->ks);
    const uint16_t *pb = pr->pb + stepAt(pr->bStepMajor, jp, s0, pr->bPanels, pr->ks);
    size_t aNext = pr->aStepMajor ? (size_t) pr->aPanels * STEP : STEP;
    size_t bNext = pr->bStepMajor ? (size_t) pr->bPanels * STEP : STEP;
    if (pr->bf16) {
        sweepHi(pa, aNext, pb, bNext, steps, nextC, pr->n);
    } else {
        sweep(pa, aNext, pb, bNext, steps, nextC, pr->n);
    }
    if (full && !epilogue) {
        storeC(c, pr->n);
        return;
    }
    /* The epilogue reads the tiles back from the stand-in, which is in L1, and writes C once:
       reading them back from C would wait for the tile stores' lines to arrive from memory. */
    storeC(stand, 32);
    if (epilogue) {
        finish(pr, stand, c, pr->n, rows, cols, col0);
        return;
    }
    for (int r = 0; r < rows; r++) {
        memcpy(c + (size_t) r * pr->n, stand + r * 32, (size_t) cols * 4);
    }
}

/* Where C block (ip, jp) starts, if it lies wholly inside C (NULL if not). */
static inline const float *fullBlock(const Product *pr, int ip, int jp) {
    return ip * 32 + 32 <= pr->m && jp * 32 + 32 <= pr->n ? pr->c + (size_t) ip * 32 * pr->n + jp * 32 : NULL;
}

/* Panels [ip0, ip1) x [jp0, jp1) of C over all of k: k blocks outermost so C is revisited at most
   ks/16 times, and each A panel is swept once per PANELS_PER_BLOCK B panels that stay in L2. */
static void rectangle(const Product *pr, int ip0, int ip1, int jp0, int jp1) {
    configureTiles();
    for (int s0 = 0; s0 < pr->ks; s0 += STEPS_PER_BLOCK) {
        int steps = pr->ks - s0 < STEPS_PER_BLOCK ? pr->ks - s0 : STEPS_PER_BLOCK;
        for (int jc = jp0; jc < jp1; jc += PANELS_PER_BLOCK) {
            int jcEnd = jc + PANELS_PER_BLOCK < jp1 ? jc + PANELS_PER_BLOCK : jp1;
            for (int ip = ip0; ip < ip1; ip++) {
                for (int jp = jc; jp < jcEnd; jp++) {
                    int nextIp = jp + 1 < jcEnd ? ip : ip + 1, nextJp = jp + 1 < jcEnd ? jp + 1 : jc;
                    block(pr, ip, jp, s0, steps, nextIp < ip1 ? fullBlock(pr, nextIp, nextJp) : NULL);
                }
            }
        }
    }
    /* Back to the init state, so context switches of this thread need not save 8 KiB of tiles. */
    _tile_release();
}

/* The first 64-byte boundary of a direct buffer (Java allocates 64 bytes more than it needs). */
static uint16_t *aligned(JNIEnv *env, jobject buffer) {
    uintptr_t at = (uintptr_t) (*env)->GetDirectBufferAddress(env, buffer);
    return (uint16_t *) ((at + 63) & ~(uintptr_t) 63);
}

JNIEXPORT void JNICALL Java_switchyard_kernels_AmxNative_packB(JNIEnv *env, jclass cls,
        jfloatArray b, jboolean trans, jint ldb, jint k, jint n, jint jp0, jint jp1, jobject packed) {
    int ks = (k + 31) / 32;
    uint16_t *dst = aligned(env, packed);
    float *src = (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    if (src == NULL) {
        return;
    }
    if (trans) {
        packColumnsB(src, ldb, k, n, ks, jp0, jp1, dst);
    } else {
        packRowsB(src, ldb, k, n, ks, jp0, jp1, dst);
    }
    (*env)->ReleasePrimitiveArrayCritical(env, b, src, JNI_ABORT);
}

/* Rows of panels [ip0, ip1) x columns of panels [jp0, jp1) of C: packs those rows of A into
   scratch, where they stay in cache for the multiply that follows (packing all of A first would
   send it through memory). */
JNIEXPORT void JNICALL Java_switchyard_kernels_AmxNative_multiplyBlock(JNIEnv *env, jclass cls,
        jfloatArray a, jboolean transA, jint lda, jobject packedB, jboolean transB, jobject scratch,
        jfloatArray c, jint m, jint n, jint k, jint ip0, jint ip1, jint jp0, jint jp1,
        jboolean accumulate, jfloatArray bias, jboolean relu, jboolean bf16) {
    Product pr;
    pr.m = m;
    pr.n = n;
    pr.ks = (k + 31) / 32;
    pr.aStepMajor = transA;
    pr.bStepMajor = !transB;
    pr.aFirst = ip0;
    pr.aPanels = ip1 - ip0;
    pr.bPanels = (n + 31) / 32;
    pr.accumulate = accumulate;
    pr.relu = relu;
    pr.bf16 = bf16;
    uint16_t *pa = aligned(env, scratch);
    pr.pa = pa;
    pr.pb = aligned(env, packedB);
    float *src = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    pr.c = src == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    pr.bias = bias == NULL || pr.c == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, bias, NULL);
    if (pr.c != NULL && (bias == NULL || pr.bias != NULL)) {
        if (transA) {
            packColumnsA(src, lda, m, k, pr.ks, ip0, ip1, pa);
        } else {
            packRowsA(src, lda, m, k, pr.ks, ip0, ip1, pa);
        }
        rectangle(&pr, ip0, ip1, jp0, jp1);
    }
    if (pr.bias != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, bias, (void *) pr.bias, JNI_ABORT);
    }
    if (pr.c != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, c, pr.c, 0);
    }
    if (src != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, a, src, JNI_ABORT);
    }
}
