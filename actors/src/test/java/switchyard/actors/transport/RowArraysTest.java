package switchyard.actors.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The pool of received row arrays takes back only what it lent, once, and stays within its budget. */
class RowArraysTest {
    static final int N = RowArrays.MIN_LENGTH;

    @Test
    void anArrayHandedBackTakesTheNextPartOfItsSize() {
        RowArrays pool = new RowArrays(1 << 20);
        float[] a = pool.take(N);
        pool.give(a);
        assertEquals(4L * N, pool.freeBytes());
        assertSame(a, pool.take(N));
        assertNotSame(a, pool.take(N), "lent out again: the next one is new");
        assertEquals(N + 1, pool.take(N + 1).length, "other sizes get their own arrays");
    }

    @Test
    void strangersRepeatsAndSmallArraysAreNotTakenBack() {
        RowArrays pool = new RowArrays(1 << 20);
        pool.give(new float[N]); // never lent: an Artery or local part
        assertEquals(0, pool.freeBytes());
        float[] a = pool.take(N);
        pool.give(a);
        pool.give(a); // a second hand-back must not put it in twice
        assertSame(a, pool.take(N));
        assertNotSame(a, pool.take(N));
        float[] small = pool.take(16);
        pool.give(small);
        assertEquals(0, pool.freeBytes(), "small arrays are not pooled");
    }

    @Test
    void theBudgetDropsTheLeastRecentlyUsedSizes() {
        RowArrays pool = new RowArrays(3L * 4 * N); // room for three arrays of N floats
        float[] a = pool.take(N), b = pool.take(N), c = pool.take(N + 8), d = pool.take(N + 16);
        pool.give(a);
        pool.give(b);
        assertEquals(8L * N, pool.freeBytes());
        pool.give(c); // over budget: both arrays of the older size go
        assertEquals(4L * (N + 8), pool.freeBytes());
        pool.give(d);
        assertEquals(4L * (N + 8) + 4L * (N + 16), pool.freeBytes());
        assertNotSame(a, pool.take(N));
        assertSame(c, pool.take(N + 8));
    }

    @Test
    void aZeroBudgetAlwaysAllocates() {
        RowArrays pool = new RowArrays(0);
        float[] a = pool.take(N);
        pool.give(a);
        assertNotSame(a, pool.take(N));
        assertEquals(0, pool.freeBytes());
    }
}
