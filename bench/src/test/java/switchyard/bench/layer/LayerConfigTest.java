package switchyard.bench.layer;

import org.junit.jupiter.api.Test;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.gate.ScoreFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerConfigTest {
    @Test
    void fineIsDeepSeekV3RoutingAtTheFlopsPerTokenOfLarge() {
        LayerConfig fine = LayerConfig.byName("fine");
        assertSame(LayerConfig.FINE, fine);
        RoutingOptions r = fine.routing();
        assertEquals(8, r.topK());
        assertEquals(ScoreFunction.SIGMOID, r.score());
        assertEquals(8, r.groups());
        assertEquals(4, r.topkGroups());
        assertTrue(r.dropless() && r.usesSelectionBias());
        assertEquals(1, fine.sharedExperts());
        LayerConfig large = LayerConfig.LARGE;
        long fineFlops = (long) r.topK() * fine.hiddenDim() + (long) fine.sharedExperts() * fine.sharedHiddenDim();
        long largeFlops = (long) large.routing().topK() * large.hiddenDim();
        assertEquals(largeFlops, fineFlops, "hidden widths a token passes through, k·H + shared·HS");
        assertFalse(fine.routesLikeThePeer());
        assertTrue(large.routesLikeThePeer());
    }

    @Test
    void aNamedConfigurationTakesSizesOfOnesOwn() {
        LayerConfig c = LayerConfig.byName("fine,S=256,E=32,HS=64");
        assertEquals("fine,S=256,E=32,HS=64", c.name());
        assertEquals(256, c.tokens());
        assertEquals(512, c.modelDim(), "M as fine's");
        assertEquals(32, c.experts());
        assertEquals(64, c.sharedHiddenDim());
        assertEquals(LayerConfig.FINE.routing(), c.routing());
        assertTrue(c.toString().contains("top-8, sigmoid, groups 8/4"), c.toString());
    }

    @Test
    void rowsPerExpertAreTheEvenShareOfTheChoices() {
        assertEquals(2 * 4096 * 2 / 8, LayerConfig.LARGE.rowsPerExpert(2));
        assertEquals(8 * 4096 / 64, LayerConfig.FINE.rowsPerExpert(1));
    }

    @Test
    void sizesThatTheRoutingCannotTakeAreRefusedNamingTheConfiguration() {
        var e = assertThrows(IllegalArgumentException.class, () -> LayerConfig.byName("fine,E=8,H=16"));
        assertTrue(e.getMessage().contains("'fine,E=8,H=16'") && e.getMessage().contains("top-8 needs at least 8 experts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerConfig.byName("large,S=64,S=32"));
        assertTrue(e.getMessage().contains("gives S twice"), e.getMessage());
    }
}
