package switchyard.math.dispatch;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.Routing;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.linalg.EjmlMatMul;
import switchyard.math.testing.LayerFixture;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The combine's backward against its definition, token by token, with its rows written in place or elsewhere. */
class CombineBackwardTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void weightGradientsAndRoutedRowsMatchTheirDefinition(boolean inPlace) {
        SplittableRandom random = new SplittableRandom(inPlace ? 11 : 12);
        int tokens = 37, experts = 6, dim = 19, from = 2, to = 5; // dim: vector lanes and a scalar tail
        RoutingOptions options = RoutingOptions.builder().topK(2).capacityFactor(1.0).minCapacity(1).build();
        Routing r = new Gate(LayerFixture.gaussian(dim, experts, 1.0, random), options)
                .route(LayerFixture.gaussian(tokens, dim, 1.0, random), GateNoise.seeded(5, 0, 0), true, new EjmlMatMul());
        FMatrixRMaj dOut = LayerFixture.gaussian(tokens, dim, 1.0, random);
        int n = r.tokensAt(from, to);
        int[] outCounts = new int[to - from];
        for (int e = from; e < to; e++) outCounts[e - from] = r.tokensAt(e);
        ExpertRows outputs = new ExpertRows(LayerFixture.gaussian(n, dim, 1.0, random), outCounts);
        FMatrixRMaj y = outputs.rows().copy();

        float[] dWeight = new float[tokens * 2];
        FMatrixRMaj rows = inPlace ? outputs.rows() : new FMatrixRMaj(1, 1);
        int[] counts = inPlace ? outCounts : new int[to - from];
        ExpertRows block = Combine.backward(r, from, outputs, dOut, dWeight, rows, counts);

        assertEquals(n, block.rows().numRows);
        for (int e = from; e < to; e++) assertEquals(r.tokensAt(e), block.counts()[e - from]);
        float[] expected = new float[tokens * 2];
        for (int i = 0; i < n; i++) {
            int flat = r.assignmentAt(r.assignmentOffset(from) + i);
            int s = flat / 2;
            double dot = 0;
            for (int c = 0; c < dim; c++) {
                dot += (double) dOut.get(s, c) * y.get(i, c);
                assertEquals(r.weightAt(flat) * dOut.get(s, c), block.rows().get(i, c), 0f, "row " + i + ", column " + c);
            }
            expected[flat] = (float) dot;
        }
        for (int f = 0; f < expected.length; f++) assertEquals(expected[f], dWeight[f], 1e-5f * (1 + Math.abs(expected[f])), "dWeight[" + f + "]");
        // choices routed elsewhere or dropped are not written: the loop above checks that they stay 0
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void refusesAGradientOfAnotherShape(int wrongRows) {
        SplittableRandom random = new SplittableRandom(wrongRows);
        Routing r = new Gate(LayerFixture.gaussian(4, 2, 1.0, random), RoutingOptions.builder().topK(1).build())
                .route(LayerFixture.gaussian(2, 4, 1.0, random), GateNoise.seeded(1, 0, 0), true, new EjmlMatMul());
        ExpertRows outputs = new ExpertRows(new FMatrixRMaj(r.tokensAt(0, 2), 4), new int[] {r.tokensAt(0), r.tokensAt(1)});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Combine.backward(r, 0, outputs,
                new FMatrixRMaj(wrongRows, 4), new float[2], new FMatrixRMaj(1, 1), new int[2]));
        assertEquals("output gradient has " + wrongRows + " rows but routing has 2 tokens", e.getMessage());
    }
}
