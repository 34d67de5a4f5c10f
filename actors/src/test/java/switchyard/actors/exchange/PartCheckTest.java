package switchyard.actors.exchange;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.protocol.RowPart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The check's verdicts, one field at a time, for W = 2, L = 2, M = 4. */
class PartCheckTest {
    private static final PartCheck CHECK = new PartCheck(2, 2, 4, RowEncoding.FP32);

    private static ExchangePart dispatch(int... counts) {
        return ExchangePart.dispatch(3, 1, false, new RowPart(counts, 0, new FMatrixRMaj(0, 4)));
    }

    @Test
    void aBlockWithinEveryCountMayStillHoldMoreRowsThanItsSourceHasChoices() {
        BlockBound.AtMost topOne = new BlockBound.AtMost(16, 16, "16 tokens at top-1 can send 2 experts");
        assertNull(CHECK.refusal(dispatch(10, 6), topOne));
        assertEquals("Dispatch from rank 1 for step 3: its block of 20 rows exceeds the 16 that 16 tokens at top-1 can send 2 experts",
                CHECK.refusal(dispatch(10, 10), topOne));
    }

    @Test
    void answersMustMatchExactly() {
        BlockBound.Exactly sent = new BlockBound.Exactly(new int[] {3, 0}, 0);
        ExchangePart answer = ExchangePart.expertOutput(3, 1, new RowPart(new int[] {3, 0}, 0, new FMatrixRMaj(3, 4)));
        assertNull(CHECK.refusal(answer, sent));
        ExchangePart fewer = ExchangePart.expertOutput(3, 1, new RowPart(new int[] {2, 0}, 0, new FMatrixRMaj(2, 4)));
        assertEquals("ExpertOutput from rank 1 for step 3: count[0] = 2, but rank 0 dispatched 3 rows to that expert",
                CHECK.refusal(fewer, sent));
    }

    @Test
    void rowsMustTravelInTheJobsEncoding() {
        BlockBound.Exactly sent = new BlockBound.Exactly(new int[] {3, 0}, 0);
        RowPart rows = new RowPart(new int[] {3, 0}, 0, new FMatrixRMaj(3, 4));
        assertEquals("ExpertOutput from rank 1 for step 3: rows in bf16, but this job exchanges fp32 rows (--wire)",
                CHECK.refusal(ExchangePart.expertOutput(3, 1, rows.encodedAs(RowEncoding.BF16)), sent));
        PartCheck bf16Job = new PartCheck(2, 2, 4, RowEncoding.BF16);
        assertEquals("ExpertOutput from rank 1 for step 3: rows in fp32, but this job exchanges bf16 rows (--wire)",
                bf16Job.refusal(ExchangePart.expertOutput(3, 1, rows), sent));
        assertNull(bf16Job.refusal(ExchangePart.expertOutput(3, 1, rows.encodedAs(RowEncoding.BF16)), sent));
    }

    @Test
    void sendersAreRanksOfTheJob() {
        assertNull(CHECK.senderRefusal(dispatch(0, 0)));
        assertEquals("Dispatch from rank 2 for step 3: the sender is not one of the ranks 0..1",
                CHECK.senderRefusal(ExchangePart.dispatch(3, 2, false, new RowPart(new int[2], 0, new FMatrixRMaj(0, 4)))));
    }
}
