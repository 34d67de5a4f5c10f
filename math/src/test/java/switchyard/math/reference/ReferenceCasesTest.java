package switchyard.math.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The project's seven cases load, and agree with the README's table and their own headers. */
class ReferenceCasesTest {

    /** The README's "Files" table, in file-name order. */
    private record Row(String name, int w, int l, int e, int s, int m, int h, int c, double alpha,
                       int first, int second, int both) {
    }

    private static final List<Row> README = List.of(
            new Row("w1_l2_medium_nooverflow", 1, 2, 2, 64, 16, 32, 64, 0.5, 0, 0, 0),
            new Row("w1_l4_tiny_overflow", 1, 4, 4, 8, 4, 6, 4, 1.0, 0, 2, 0),
            new Row("w2_l1_tiny_e2_nooverflow", 2, 1, 2, 8, 4, 6, 8, 0.0, 0, 0, 0),
            new Row("w2_l2_tiny_balanced", 2, 2, 4, 8, 4, 6, 4, 2.0, 0, 0, 0),
            new Row("w2_l2_tiny_heavy_overflow", 2, 2, 4, 8, 4, 6, 4, 10.0, 1, 4, 1),
            new Row("w4_l1_medium_overflow", 4, 1, 4, 64, 16, 32, 32, 1.0, 0, 23, 0),
            new Row("w4_l2_medium_overflow", 4, 2, 8, 64, 16, 32, 16, 5.0, 1, 50, 1));

    @Test
    void loadsTheSevenCasesOfTheReadme() {
        List<ReferenceCase> all = ReferenceCases.all();
        assertEquals(README.stream().map(Row::name).collect(Collectors.toList()),
                all.stream().map(ReferenceCase::name).collect(Collectors.toList()));
        for (int i = 0; i < all.size(); i++) {
            ReferenceCase c = all.get(i);
            Row r = README.get(i);
            assertEquals(r, new Row(c.name(), c.worldSize(), c.localExperts(), c.numExperts(), c.tokensPerRank(),
                    c.dModel(), c.dHidden(), c.capacity(), c.alpha(), c.drops().firstDropped(),
                    c.drops().secondDropped(), c.drops().bothDropped()));
            assertEquals("2*S//E", c.capacityRule());
            assertEquals(new Tolerance(1e-9, 1e-9), c.tolerance());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void shapesFollowTheHeader(String name, ReferenceCase c) {
        int w = c.worldSize();
        int e = c.numExperts();
        int s = c.tokensPerRank();
        int m = c.dModel();
        int h = c.dHidden();
        assertEquals(e, w * c.localExperts());
        assertEquals(shape(m, e), shape(c.gateWeight()));
        assertEquals(shape(m, e), shape(c.gradGateWeightSum()));
        for (List<ExpertTensors> list : List.of(c.experts(), c.expertGrads())) {
            assertEquals(e, list.size());
            for (ExpertTensors x : list) {
                assertEquals(List.of(shape(m, h), shape(1, h), shape(h, m), shape(1, m)),
                        List.of(shape(x.w1()), shape(x.b1()), shape(x.w2()), shape(x.b2())), name + " expert " + x.expert());
            }
        }
        assertEquals(w, c.ranks().size());
        // Stacked over ranks, the per-token arrays have W·S rows.
        assertEquals(shape(w * s, m), shape(stack(c, RankCase::input)));
        assertEquals(shape(w * s, m), shape(stack(c, RankCase::lossWeights)));
        assertEquals(shape(w * s, m), shape(stack(c, RankCase::output)));
        assertEquals(shape(w * s, m), shape(stack(c, RankCase::gradInput)));
        assertEquals(shape(w * s, e), shape(stack(c, RankCase::noise)));
        assertEquals(shape(w * s, e), shape(stack(c, RankCase::logits)));
        assertEquals(shape(w * s, e), shape(stack(c, RankCase::gates)));
        assertEquals(shape(w * m, e), shape(stack(c, RankCase::gradGateWeight)));
        for (RankCase rc : c.ranks()) {
            Routing ro = rc.routing();
            assertEquals(List.of(s, s, s, s, s, s), List.of(ro.expert1().length, ro.expert2().length,
                    ro.slot1().length, ro.slot2().length, ro.gate1().length, ro.gate2().length));
            assertEquals(List.of(e, e, e), List.of(ro.firstChoiceCounts().length, ro.me().length, ro.ce().length));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switchyard.math.reference.ReferenceCases#arguments")
    void dropCountsMatchTheRouting(String name, ReferenceCase c) {
        int first = 0;
        int second = 0;
        int both = 0;
        for (RankCase rc : c.ranks()) {
            int[] s1 = rc.routing().slot1();
            int[] s2 = rc.routing().slot2();
            for (int t = 0; t < s1.length; t++) {
                first += s1[t] < 0 ? 1 : 0;
                second += s2[t] < 0 ? 1 : 0;
                both += s1[t] < 0 && s2[t] < 0 ? 1 : 0;
            }
        }
        assertEquals(new DropCounts(first, second, both), c.drops());
    }

    @Test
    void realsAreTheFilesExactDoubles() {
        ReferenceCase c = ReferenceCases.named("w1_l4_tiny_overflow");
        assertEquals(0.6571969449852078, c.gateWeight()[0][0]);
        assertEquals(1.771531863863956, c.loss());
        assertEquals(0.020763198362968693, c.experts().get(0).w1()[0][2]);
    }

    @Test
    void casesAreImmutable() {
        ReferenceCase c = ReferenceCases.named("w1_l4_tiny_overflow");
        c.gateWeight()[0][0] = 42;
        c.rank(0).input()[0][0] = 42;
        c.rank(0).routing().expert1()[0] = 42;
        assertEquals(0.6571969449852078, c.gateWeight()[0][0]);
        assertTrue(c.rank(0).input()[0][0] != 42 && c.rank(0).routing().expert1()[0] != 42);
    }

    @Test
    void unknownNameIsReportedWithTheAvailableOnes() {
        String msg = assertThrows(IllegalArgumentException.class, () -> ReferenceCases.named("nope")).getMessage();
        assertTrue(msg.contains("nope") && msg.contains("w2_l2_tiny_balanced"), msg);
    }

    @Test
    void f32ConvertersKeepShapeAndRound() {
        var m = ReferenceCase.toF32(new double[][] {{1, 2, 3}, {4, 5, 0.1}});
        assertEquals(2, m.numRows);
        assertEquals(3, m.numCols);
        assertEquals(0.1f, m.get(1, 2));
        var v = ReferenceCase.toF32(new double[] {1, 2});
        assertEquals(1, v.numRows);
        assertEquals(2, v.numCols);
        assertThrows(IllegalArgumentException.class, () -> ReferenceCase.toF32(new double[][] {{1, 2}, {3}}));
    }

    private static double[][] stack(ReferenceCase c, Function<RankCase, double[][]> part) {
        return c.ranks().stream().map(part).flatMap(Arrays::stream).toArray(double[][]::new);
    }

    private static String shape(int rows, int cols) {
        return rows + "x" + cols;
    }

    private static String shape(double[][] a) {
        int cols = a[0].length;
        assertTrue(Stream.of(a).allMatch(row -> row.length == cols), "ragged");
        return shape(a.length, cols);
    }

    private static String shape(double[] v) {
        return shape(1, v.length);
    }
}
