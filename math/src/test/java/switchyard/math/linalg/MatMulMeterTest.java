package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class MatMulMeterTest {

    @Test
    void countsEachProductsFlopsAndGivesTheInnerKernelsResults() {
        MatMulMeter meter = new MatMulMeter();
        MatMul inner = MatMuls.ejml();
        MatMul metered = new MeteredMatMul(inner, meter);
        Random rnd = new Random(5);
        FMatrixRMaj a = TestMatrices.random(7, 5, rnd), b = TestMatrices.random(5, 3, rnd), bT = TestMatrices.random(3, 5, rnd);
        FMatrixRMaj aT = TestMatrices.random(5, 7, rnd), bias = TestMatrices.random(1, 3, rnd);
        FMatrixRMaj expected = new FMatrixRMaj(7, 3), actual = new FMatrixRMaj(7, 3);
        inner.mul(a, b, expected, false);
        metered.mul(a, b, actual, false);
        assertArrayEquals(expected.data, actual.data);
        inner.mulTransA(aT, b, expected, false);
        metered.mulTransA(aT, b, actual, false);
        assertArrayEquals(expected.data, actual.data);
        inner.mulTransB(a, bT, expected, false);
        metered.mulTransB(a, bT, actual, false);
        assertArrayEquals(expected.data, actual.data);
        inner.mulBias(a, b, bias, true, expected);
        metered.mulBias(a, b, bias, true, actual);
        assertArrayEquals(expected.data, actual.data);
        MatMulMeter.Reading r = meter.read();
        assertEquals(4, r.products());
        assertEquals(4 * 2.0 * 7 * 5 * 3, r.flops());
        assertTrue(r.busyNanos() > 0);
    }

    @Test
    void overlappingProductsCountTheirTimeOnce() throws Exception {
        MatMulMeter meter = new MatMulMeter();
        CountDownLatch longStarted = new CountDownLatch(1), shortDone = new CountDownLatch(1);
        // The long product spans the short one entirely; the short one burns 50 ms of its own.
        MatMul longOne = new MeteredMatMul(new Stub(() -> {
            longStarted.countDown();
            await(shortDone);
        }), meter);
        MatMul shortOne = new MeteredMatMul(new Stub(() -> {
            long until = System.nanoTime() + 50_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }), meter);
        FMatrixRMaj x = new FMatrixRMaj(2, 2);
        long before = System.nanoTime();
        CompletableFuture<Void> outer = CompletableFuture.runAsync(() -> longOne.mul(x, x, x, false));
        await(longStarted);
        shortOne.mul(x, x, x, false);
        shortDone.countDown();
        outer.get(30, TimeUnit.SECONDS);
        long span = System.nanoTime() - before;
        MatMulMeter.Reading r = meter.read();
        assertEquals(2, r.products());
        assertTrue(r.busyNanos() <= span, "busy " + r.busyNanos() + " ns over a span of " + span + " ns");
        assertTrue(r.busyNanos() >= 50_000_000L);
        // The short product ran entirely inside the long one: more than one at once on average,
        // and each product's own time is summed (the long one alone spans the busy time).
        assertTrue(r.callNanos() >= r.busyNanos() + 50_000_000L, "calls " + r.callNanos() + " ns, busy " + r.busyNanos());
        assertTrue(r.productsAtOnce() > 1 && r.productsAtOnce() <= 2, "at once " + r.productsAtOnce());
    }

    @Test
    void meteredNamesWrapAnyKernelAndRejectUnknownOnes() {
        MatMul m = MatMuls.byName("metered:ejml");
        assertInstanceOf(MeteredMatMul.class, m);
        assertEquals("metered ejml", m.name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MatMuls.byName("metered:fast"));
        assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A product that only runs {@code body}. */
    private record Stub(Runnable body) implements MatMul {
        @Override public void mul(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) { body.run(); }
        @Override public void mulTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) { body.run(); }
        @Override public void mulTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean accumulate) { body.run(); }
        @Override public void mulBias(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, boolean relu, FMatrixRMaj c) { body.run(); }
        @Override public String name() { return "stub"; }
    }
}
