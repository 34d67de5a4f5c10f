/*
 * The tile unit's own speed right now: TDPBF16PS into four independent accumulators from operand
 * tiles that never change, so no memory traffic at all. No product can beat it, and on a shared
 * host it moves with the neighbours, within seconds, so Java's AmxCeiling measures it in the same
 * run as the figures it is held against.
 */
#include <jni.h>
#include "amx_tiles.h"

/*
 * Runs `rounds` rounds of four tile products with every operand 1.0 (bfloat16 0x3F80), and
 * returns one accumulator element: 32 per round, exactly (while below 2^24), so the caller can
 * tell that every product ran.
 */
JNIEXPORT jfloat JNICALL Java_switchyard_kernels_AmxNative_tileLoop(JNIEnv *env, jclass cls, jint rounds) {
    static const uint16_t ones[16 * 32] __attribute__((aligned(64))) = {[0 ... 511] = 0x3F80};
    float out[16 * 16] __attribute__((aligned(64)));
    configureTiles();
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    _tile_loadd(4, ones, 64);
    _tile_loadd(5, ones, 64);
    _tile_loadd(6, ones, 64);
    _tile_loadd(7, ones, 64);
    for (int i = 0; i < rounds; i++) {
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    _tile_stored(0, out, 64);
    _tile_release();
    return out[0];
}
