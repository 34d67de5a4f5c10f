package switchyard.actors.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pacer on a fake clock: how long the writer is held after each frame. */
class LinkPacerTest {
    private long now;
    private final List<Long> sleeps = new ArrayList<>();

    private LinkPacer pacer(long bytesPerSecond) {
        return new LinkPacer(bytesPerSecond, () -> now, nanos -> {
            sleeps.add(nanos);
            now += nanos;
        });
    }

    @Test
    void framesTakeTheirTimeAtTheRate() throws InterruptedException {
        LinkPacer p = pacer(1_000_000); // 1 MB/s: 1 us per byte
        assertTrue(p.limited());
        p.sent(500_000);
        p.sent(250_000);
        assertEquals(List.of(500_000_000L, 250_000_000L), sleeps);
        assertEquals(750_000_000L, now);
    }

    @Test
    void writingTimeCountsAndAnIdleLinkBanksNoCredit() throws InterruptedException {
        LinkPacer p = pacer(1_000_000);
        now = 400_000_000L;           // the frame itself took 0.4 s to write (from t=0)...
        p.sent(500_000);              // ...but the clock starts at the booking, so 0.5 s from now
        assertEquals(List.of(500_000_000L), sleeps);
        now += 10_000_000_000L;       // idle for 10 s
        p.sent(100_000);
        assertEquals(100_000_000L, sleeps.get(1), "no credit from the idle time");
    }

    @Test
    void unlimitedNeverWaitsAndNegativeIsRefused() throws InterruptedException {
        LinkPacer p = pacer(0);
        assertFalse(p.limited());
        p.sent(1L << 30);
        assertTrue(sleeps.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> pacer(-1));
    }

    @Test
    void aShortWakeUpSleepsAgainForTheRest() throws InterruptedException {
        List<Long> asked = new ArrayList<>();
        LinkPacer p = new LinkPacer(1_000_000, () -> now, nanos -> {
            asked.add(nanos);
            now += Math.max(1, nanos / 2); // woke early
        });
        p.sent(1_000);
        assertTrue(asked.size() > 1 && now >= 1_000_000L, "slept until the frame's time was up: " + asked + ", now " + now);
    }

    @Test
    void theRateComesFromTheConfigurationAndDefaultsToUnlimited() {
        com.typesafe.config.Config defaults = com.typesafe.config.ConfigFactory.load();
        assertEquals(0, DataPlaneSettings.from(defaults).linkBytesPerSecond());
        com.typesafe.config.Config tenGigabit = com.typesafe.config.ConfigFactory
                .parseString("switchyard.data-plane.link-bytes-per-second = 1250 MB").withFallback(defaults);
        assertEquals(1_250_000_000L, DataPlaneSettings.from(tenGigabit).linkBytesPerSecond());
        com.typesafe.config.Config negative = com.typesafe.config.ConfigFactory
                .parseString("switchyard.data-plane.link-bytes-per-second = -1").withFallback(defaults);
        assertThrows(RuntimeException.class, () -> DataPlaneSettings.from(negative));
    }
}
