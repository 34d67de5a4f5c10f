package switchyard.actors.network;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Phase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The α-β formulas on cases small enough to compute by hand (values in the comments). */
class NetworkModelTest {
    private static final double EPS = 1e-15;

    @Test
    void unitsOfTimeAndBandwidth() {
        assertEquals(5e-6, Units.seconds("5us"), EPS);
        assertEquals(5e-6, Units.seconds("5µs"), EPS);
        assertEquals(1.5e-3, Units.seconds("1.5ms"), EPS);
        assertEquals(250e-9, Units.seconds("250ns"), EPS);
        assertEquals(2, Units.seconds("2s"), EPS);
        assertEquals(100e9 / 8, Units.bytesPerSecond("100Gbps"), 1e-3);   // 12.5 GB/s
        assertEquals(100e9 / 8, Units.bytesPerSecond("100gbps"), 1e-3);
        assertEquals(100e9 / 8, Units.bytesPerSecond("100Gb/s"), 1e-3);
        assertEquals(25e9, Units.bytesPerSecond("25GB/s"), 1e-3);
        assertEquals(1e12 / 8, Units.bytesPerSecond("1Tbps"), 1e-3);
        assertEquals(400e6 / 8, Units.bytesPerSecond("400Mbps"), 1e-6);
        assertEquals(10e3 / 8, Units.bytesPerSecond("10Kbps"), 1e-9);
        assertEquals(8, Units.bytesPerSecond("64bps"), 1e-12);
        assertEquals(2.0 * 1024 * 1024 * 1024, Units.bytesPerSecond("2GiB/s"), 1e-3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5 parsecs", "us", "-1us", "", "5 Gbps", "1e3"})
    void timesWithoutAValidUnitAreRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.seconds(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"100", "100Gbit", "100GiBps", "100 furlongs", "fast"})
    void bandwidthsWithoutAValidUnitAreRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> Units.bytesPerSecond(text));
    }

    @Test
    void flatAllToAllSerialisesEachRanksSendsAndReceives() {
        // α = 1 us, β = 1 GB/s: a message of b bytes costs 1e-6 + b·1e-9 s
        NetworkModel net = NetworkModel.parse("latency=1us,bandwidth=1GB/s");
        long[][] bytes = {
                {100, 1000, 0},     // 0→0 is free; 0→1: 2 us; 0→2 sends nothing
                {2000, 5, 3000},    // 1→0: 3 us; 1→2: 4 us
                {0, 0, 0}};
        NetworkModel.AllToAllTime a = net.allToAll(bytes);
        assertArrayEquals(new double[] {2e-6, 7e-6, 0}, a.send(), 1e-18);
        assertArrayEquals(new double[] {3e-6, 2e-6, 4e-6}, a.receive(), 1e-18);
        assertEquals(7e-6, a.seconds(), 1e-18); // rank 1's sends: max over ranks of max(send, receive)
    }

    @Test
    void twoLevelUsesTheInterGroupLinkAcrossGroups() {
        // groups {0,1} {2,3}; inside: 1 us + b/1e9; between: 10 us + b/1e8
        NetworkModel net = NetworkModel.parse("latency=1us,bandwidth=1GB/s,topology=2level:2,inter-latency=10us,inter-bandwidth=100MB/s");
        long[][] bytes = new long[4][4];
        bytes[0][1] = 1000;  // intra: 1 + 1 = 2 us
        bytes[0][2] = 1000;  // inter: 10 + 10 = 20 us
        bytes[3][2] = 4000;  // intra: 1 + 4 = 5 us
        bytes[1][3] = 500;   // inter: 10 + 5 = 15 us
        NetworkModel.AllToAllTime a = net.allToAll(bytes);
        assertArrayEquals(new double[] {22e-6, 15e-6, 0, 5e-6}, a.send(), 1e-15);
        assertArrayEquals(new double[] {0, 2e-6, 25e-6, 15e-6}, a.receive(), 1e-15);
        assertEquals(25e-6, a.seconds(), 1e-15); // rank 2 receives 20 + 5 us one after the other
    }

    @Test
    void twoLevelDefaultsBetweenGroupsToTwiceTheLatencyAndAQuarterOfTheBandwidth() {
        NetworkModel net = NetworkModel.parse("latency=5us,bandwidth=100Gbps,topology=2level:8");
        Topology.TwoLevel t = assertInstanceOf(Topology.TwoLevel.class, net.topology());
        assertEquals(8, t.groupSize());
        assertEquals(10e-6, t.inter().latency(), EPS);
        assertEquals(100e9 / 8 / 4, t.inter().bandwidth(), 1e-3);
        assertEquals(t.intra(), t.link(0, 7));
        assertEquals(t.inter(), t.link(7, 8));
        assertFalse(net.overlap());
    }

    @Test
    void defaultsAndOverlapFlag() {
        NetworkModel net = NetworkModel.parse(NetworkModel.DEFAULT_SPEC);
        LinkSpec link = assertInstanceOf(Topology.Flat.class, net.topology()).link();
        assertEquals(5e-6, link.latency(), EPS);
        assertEquals(12.5e9, link.bandwidth(), 1e-3);
        assertTrue(NetworkModel.parse("bandwidth=25GB/s,overlap").overlap());
        assertTrue(NetworkModel.parse("overlap=on").overlap());
        assertEquals(5e-6, ((Topology.Flat) NetworkModel.parse("bandwidth=1GB/s").topology()).link().latency(), EPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latency=5", "speed=10Gbps", "latency=5us,latency=6us", "topology=ring", "topology=2level:x",
            "topology=2level:0", "inter-latency=3us", "bandwidth=0Gbps", "overlap=maybe", "latency"})
    void badSpecsAreRejectedWithAMessage(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkModel.parse(spec));
        assertFalse(e.getMessage().isBlank());
    }

    /** A step on two ranks with 1000 bytes each way in every exchange and given phase times. */
    private static StepMetrics step() {
        long[][][] bytes = new long[4][2][2];
        for (int p = 0; p < 4; p++) {
            bytes[p][0][1] = 1000;
            bytes[p][1][0] = 1000;
            bytes[p][0][0] = 1_000_000; // self traffic: free
        }
        long[][] nanos = new long[2][Phase.values().length];
        nanos[0][Phase.ROUTE.ordinal()] = 1_000;            // rank 0: compute 1+2+3+4+5 = 15 us
        nanos[0][Phase.EXPERT_FORWARD.ordinal()] = 2_000;
        nanos[0][Phase.COMBINE.ordinal()] = 3_000;
        nanos[0][Phase.EXPERT_BACKWARD.ordinal()] = 4_000;
        nanos[0][Phase.GATE_BACKWARD.ordinal()] = 5_000;
        nanos[0][Phase.DISPATCH.ordinal()] = 99_000_000;    // waiting: not compute
        nanos[1][Phase.ROUTE.ordinal()] = 500;              // rank 1: 0.5 + 1 + 10 = 11.5 us
        nanos[1][Phase.EXPERT_FORWARD.ordinal()] = 1_000;
        nanos[1][Phase.COMBINE.ordinal()] = 10_000;
        return new StepMetrics(0, 1, 1, 0, 4, 2, 4, new long[] {2, 2}, 0, 0, new long[4][2][2], bytes, nanos, 0);
    }

    @Test
    void stepTimeIsSlowestComputePlusTheFourExchanges() {
        // each exchange: every rank sends and receives one 1000-byte message: 1 us + 1 us = 2 us
        NetworkModel.Estimate e = NetworkModel.parse("latency=1us,bandwidth=1GB/s").estimate(step());
        assertArrayEquals(new double[] {2e-6, 2e-6, 2e-6, 2e-6}, e.exchangeSeconds(), 1e-15);
        assertEquals(15e-6, e.computeSeconds(), 1e-15);
        assertEquals(8e-6, e.communicationSeconds(), 1e-15);
        assertEquals(23e-6, e.stepSeconds(), 1e-15);
    }

    @Test
    void withOverlapEachExchangeHidesBehindTheComputeItFeeds() {
        // route 1 + max(2, fwd 2) + max(2, combine 10) + max(2, bwd 4) + max(2, gate bwd 5) = 1 + 2 + 10 + 4 + 5 = 22 us
        NetworkModel.Estimate e = NetworkModel.parse("latency=1us,bandwidth=1GB/s,overlap").estimate(step());
        assertEquals(22e-6, e.stepSeconds(), 1e-15);
        // a slow network: every exchange is 1 us + 1000 B / 1 MB/s = 1001 us and nothing hides it
        NetworkModel.Estimate slow = NetworkModel.parse("latency=1us,bandwidth=1MB/s,overlap").estimate(step());
        assertEquals(1e-6 + 4 * 1001e-6, slow.stepSeconds(), 1e-12);
    }
}
