package switchyard.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which products the AVX-512 kernels can pack: their buffers hold at most 2 GiB, so a larger
 * operand is refused by the buffers (and sent to the vector kernel by {@link Avx512MatMul} and
 * {@link Avx512Bf16MatMul}), and
 * {@code fits} says so before anything is allocated.
 */
class TiledLayoutTest {

    private static final int ROWS = TiledProduct.ROWS_PER_PART;

    @Test
    void theLayersProductsFit() {
        for (TiledLayout layout : new TiledLayout[] {TiledLayout.FLOAT32, TiledLayout.BFLOAT16_PAIRS}) {
            assertTrue(layout.fits(8192, 2048, 512, false, ROWS));
            assertTrue(layout.fits(512, 2048, 8192, true, ROWS));
            assertTrue(layout.fits(2048, 512, 65536, true, ROWS));
        }
    }

    @Test
    void aBOfMoreThanTwoGibibytesDoesNotFitAndItsBufferIsRefused() {
        // 8192 x 65536 floats: 2 GiB of float32 and a little more with the panels' padding.
        assertFalse(TiledLayout.FLOAT32.fits(512, 65536, 8192, false, ROWS));
        assertThrows(IllegalArgumentException.class, () -> TiledLayout.FLOAT32.packedB(null, 65536, 8192));
        // Pairs of bfloat16 take half the bytes.
        assertTrue(TiledLayout.BFLOAT16_PAIRS.fits(512, 65536, 8192, false, ROWS));
    }

    @Test
    void aTransposedAOfMoreThanTwoGibibytesDoesNotFit() {
        assertFalse(TiledLayout.FLOAT32.fits(65536, 64, 8192, true, ROWS));
        assertThrows(IllegalArgumentException.class, () -> TiledLayout.FLOAT32.packedTransposedA(null, 65536, 8192));
        assertTrue(TiledLayout.FLOAT32.fits(65536, 64, 8192, false, ROWS), "rows of A are packed a part at a time");
    }

    @Test
    void countsNearTwoToThe31DoNotWrapRound() {
        assertEquals(33_554_432, TiledLayout.panels(Integer.MAX_VALUE));
        assertEquals(11_184_811, TiledLayout.groups(Integer.MAX_VALUE, ROWS));
        assertEquals(1, TiledLayout.groups(1, ROWS));
        assertEquals(0, TiledLayout.groups(0, ROWS));
    }
}
