package switchyard.math.linalg;

import static switchyard.math.linalg.MicroKernel.MR;
import static switchyard.math.linalg.MicroKernel.NR;

/**
 * One thread's packing scratch, grown to the largest block it has seen and then reused, so
 * products allocate nothing in steady state. Never shared between threads.
 */
final class PackBuffers {

    private static final ThreadLocal<PackBuffers> LOCAL = ThreadLocal.withInitial(PackBuffers::new);

    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    /** The whole A, packed once for a product that sweeps it several times (see BlockedProduct.packA). */
    private float[] wholeA = new float[0];
    /** Stand-in for a C tile that sticks out past the matrix edge. */
    final float[] edgeTile = new float[MR * NR];
    /** The bias slice for an edge tile, zero-padded to a full tile width. */
    final float[] edgeBias = new float[NR];

    /** Reused description of the tile the kernel is writing. */
    final TileTarget target = new TileTarget();

    static PackBuffers local() {
        return LOCAL.get();
    }

    float[] packedA(int floats) {
        if (packedA.length < floats) {
            packedA = new float[floats];
        }
        return packedA;
    }

    float[] wholeA(int floats) {
        if (wholeA.length < floats) {
            wholeA = new float[floats];
        }
        return wholeA;
    }

    float[] packedB(int floats) {
        if (packedB.length < floats) {
            packedB = new float[floats];
        }
        return packedB;
    }
}
