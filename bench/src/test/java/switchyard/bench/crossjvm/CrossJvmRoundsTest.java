package switchyard.bench.crossjvm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Smaller exchanges get more measured rounds, so that every size is measured over about as many bytes. */
class CrossJvmRoundsTest {
    @Test
    void roundsGrowAsExchangesShrinkUpToACap() {
        long mib = 1L << 20;
        assertEquals(5, CrossJvmBench.rounds(64 * mib, 64 * mib, 5));
        assertEquals(10, CrossJvmBench.rounds(32 * mib, 64 * mib, 5));
        assertEquals(40, CrossJvmBench.rounds(4 * mib, 64 * mib, 5), "16 x 5 = 80, capped");
        assertEquals(7, CrossJvmBench.rounds(64 * mib, 64 * mib, 7), "never fewer than asked");
        assertEquals(50, CrossJvmBench.rounds(mib, 64 * mib, 50), "never fewer than asked, even past the cap");
    }
}
