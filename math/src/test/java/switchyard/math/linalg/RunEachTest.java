package switchyard.math.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * {@link MatMul#runEach}: every task runs exactly once, side by side where the kernel has threads,
 * and a task's products give the kernel's own bits whatever runs beside them and whichever threads
 * help them.
 */
class RunEachTest {

    @Test
    void everyTaskRunsOnceForAnyCountAndKernel() {
        for (MatMul mm : List.of(MatMuls.ejml(), VectorMatMul.singleThreaded(), VectorMatMul.withThreads(2),
                VectorMatMul.withThreads(3), new MeteredMatMul(VectorMatMul.withThreads(2), new MatMulMeter()))) {
            for (int count = 0; count <= 7; count++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(count, 1));
                mm.runEach(count, runs::incrementAndGet);
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs.get(i), mm.name() + ": task " + i + " of " + count);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> mm.runEach(-1, i -> { }));
        }
    }

    @Test
    void tasksRunSideBySideWhenTheKernelHasThreads() {
        MatMul mm = VectorMatMul.withThreads(2);
        // Each task waits until the other has started: that only ends if two threads run them at once.
        CountDownLatch bothStarted = new CountDownLatch(2);
        AtomicReferenceArray<Thread> ranOn = new AtomicReferenceArray<>(2);
        mm.runEach(2, i -> {
            ranOn.set(i, Thread.currentThread());
            bothStarted.countDown();
            try {
                assertTrue(bothStarted.await(30, TimeUnit.SECONDS), "no worker joined the caller");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertNotSame(ranOn.get(0), ranOn.get(1));
    }

    @Test
    void productsInTasksGiveTheKernelsOwnBits() {
        Random rnd = new Random(17);
        // Large enough to be shared out between threads, with edge tiles; uneven, so that tasks end at different times.
        int[] rows = {203, 40, 311, 7, 150};
        int k = 150, n = 97;
        int count = rows.length;
        List<FMatrixRMaj> as = new ArrayList<>(), bs = new ArrayList<>(), biases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            as.add(TestMatrices.random(rows[i], k, rnd));
            bs.add(TestMatrices.random(k, n, rnd));
            biases.add(TestMatrices.random(1, n, rnd));
        }
        MatMul reference = VectorMatMul.singleThreaded();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) expected.add(products(reference, as.get(i), bs.get(i), biases.get(i)));
        for (MatMul mm : List.of(VectorMatMul.singleThreaded(), VectorMatMul.withThreads(2), VectorMatMul.withThreads(3),
                new MeteredMatMul(VectorMatMul.withThreads(2), new MatMulMeter()))) {
            for (int round = 0; round < 5; round++) {
                float[][] actual = new float[count][];
                mm.runEach(count, i -> actual[i] = products(mm, as.get(i), bs.get(i), biases.get(i)));
                for (int i = 0; i < count; i++) assertArrayEquals(expected.get(i), actual[i], mm.name() + ", task " + i);
            }
        }
    }

    /** The four kinds of product on one task's operands, their results end to end. */
    private static float[] products(MatMul mm, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias) {
        FMatrixRMaj c = new FMatrixRMaj(1, 1), cT = new FMatrixRMaj(1, 1), cB = new FMatrixRMaj(1, 1), h = new FMatrixRMaj(1, 1);
        mm.mulBias(a, b, bias, true, h);                 // m×n
        mm.mulTransA(a, h, cT, false);                   // k×n
        mm.mulTransB(h, b, cB, false);                   // m×k
        mm.mul(cB, b, c, false);                         // m×n
        mm.mulTransA(a, h, cT, true);
        float[] out = new float[h.getNumElements() + cT.getNumElements() + cB.getNumElements() + c.getNumElements()];
        int at = 0;
        for (FMatrixRMaj x : List.of(h, cT, cB, c)) {
            System.arraycopy(x.data, 0, out, at, x.getNumElements());
            at += x.getNumElements();
        }
        return out;
    }

    @Test
    void aFailingTaskIsRethrownAfterTheOthersAndTheKernelStaysUsable() {
        MatMul mm = VectorMatMul.withThreads(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> mm.runEach(4, i -> {
            runs.incrementAndGet(i);
            if (i == 1) throw new IllegalStateException("boom in task 1");
        }));
        assertEquals("boom in task 1", e.getMessage());
        for (int i = 0; i < 4; i++) assertEquals(1, runs.get(i), "task " + i);
        AtomicIntegerArray again = new AtomicIntegerArray(4);
        mm.runEach(4, again::incrementAndGet);
        for (int i = 0; i < 4; i++) assertEquals(1, again.get(i), "task " + i + " after a failure");
    }

    @Test
    void aTaskThatRunsTasksOfItsOwnRunsThemAll() {
        MatMul mm = VectorMatMul.withThreads(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(4 * 3);
        mm.runEach(4, i -> mm.runEach(3, j -> runs.incrementAndGet(3 * i + j)));
        for (int i = 0; i < runs.length(); i++) assertEquals(1, runs.get(i), "inner task " + i);
    }

    @Test
    void aMeteredKernelMetersTheProductsOfItsTasks() {
        MatMulMeter meter = new MatMulMeter();
        MatMul mm = new MeteredMatMul(VectorMatMul.withThreads(2), meter);
        Random rnd = new Random(3);
        FMatrixRMaj a = TestMatrices.random(40, 30, rnd), b = TestMatrices.random(30, 20, rnd);
        mm.runEach(5, i -> mm.mul(a, b, new FMatrixRMaj(1, 1), false));
        assertEquals(5, meter.read().products());
        assertEquals(5 * 2.0 * 40 * 30 * 20, meter.read().flops());
    }
}
