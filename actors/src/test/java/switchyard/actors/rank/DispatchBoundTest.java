package switchyard.actors.rank;

import org.junit.jupiter.api.Test;
import switchyard.actors.exchange.BlockBound;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.math.gate.AuxLoss;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingKind;
import switchyard.math.gate.RoutingOptions;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one source may dispatch to an owner follows the gate's capacity rule for S tokens, as
 * every routing option sets it: W = 2 ranks of L = 2 experts (E = 4), S = 16 tokens a step.
 */
class DispatchBoundTest {

    private static BlockBound.AtMost bound(RoutingOptions routing, boolean backward) {
        RankSettings s = new RankSettings(0, 2, 2, 8, 16, routing, 5, OptimizerSpec.parse("sgd"), Duration.ofSeconds(1), 8, "best",
                ExchangeSettings.direct()).withTokensPerStep(16);
        return PartBounds.dispatchBound(s, backward);
    }

    @Test
    void theReferenceCapacityIsKTimesSOverE() {
        BlockBound.AtMost b = bound(RoutingOptions.reference(), true);
        assertEquals(8, b.perExpert()); // 2·16/4
        assertEquals(16, b.rows()); // both experts full
    }

    @Test
    void droplessIsTheTokensAndABlockIsAtMostKChoicesOfEach() {
        BlockBound.AtMost b = bound(RoutingOptions.builder().topK(1).dropless(true).build(), true);
        assertEquals(16, b.perExpert());
        assertEquals(16, b.rows()); // top-1: each token goes to one expert, not one per expert
        assertEquals("16 tokens at top-1 can send 2 expert slots", b.why());
    }

    @Test
    void aDispatchWithoutABackwardPassMayUseTheLargerEvalCapacity() {
        RoutingOptions routing = RoutingOptions.builder().capacityFactor(1.0).evalCapacityFactor(1.5).build();
        assertEquals(8, bound(routing, true).perExpert()); // ceil(2·1.0·16/4)
        assertEquals(12, bound(routing, false).perExpert()); // ceil(2·1.5·16/4)
    }

    @Test
    void noExpertTakesMoreRowsThanTheSourceHasTokens() {
        assertEquals(16, bound(RoutingOptions.builder().fixedCapacity(1000).build(), true).perExpert());
        assertEquals(16, bound(RoutingOptions.builder().minCapacity(1000).build(), true).perExpert());
    }

    @Test
    void expertChoiceTakesItsCapacityFromEveryRank() {
        RoutingOptions routing = RoutingOptions.builder().kind(RoutingKind.EXPERT_CHOICE).topK(1).noise(NoisePolicy.NONE)
                .aux(AuxLoss.NONE).build();
        BlockBound.AtMost b = bound(routing, true);
        assertEquals(4, b.perExpert()); // 1·16/4
        assertEquals(8, b.rows());
    }
}
