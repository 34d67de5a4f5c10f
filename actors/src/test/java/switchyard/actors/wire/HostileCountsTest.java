package switchyard.actors.wire;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializationExtension;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RowPart;
import switchyard.math.dispatch.ExpertRows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row counts of an exchange part describe a whole block its receiver will allocate, so counts
 * that wrap round an int or describe an absurd block are refused where the part is made or
 * decoded: by the {@link RowPart} constructor, and by the decoder with a {@link WireFormatException}
 * before any block exists. (Whether sane-looking counts suit the step is the rank's check, see
 * {@code PartBoundsTest}.)
 */
class HostileCountsTest {
    static final ActorTestKit kit = ActorTestKit.create("hostile-counts");
    static final MoeSerializer serializer = (MoeSerializer) SerializationExtension.get(Adapter.toClassic(kit.system()))
            .serializerByIdentity().apply(MoeSerializer.IDENTIFIER);
    /** Where the counts start in an encoded exchange part: step 8, sender 4, flags 1, first row 4, counts length 4. */
    static final int COUNTS_AT = 21;

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    private static RowPart emptyPart(int[] counts, int cols) {
        return new RowPart(counts, 0, new FMatrixRMaj(0, cols));
    }

    @Test
    void countsThatWrapRoundAnIntAreRefusedWhenThePartIsMade() {
        // the int sum of these is 0: they used to pass for an empty block
        var wrapped = assertThrows(IllegalArgumentException.class,
                () -> emptyPart(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 2}, 8));
        assertTrue(wrapped.getMessage().contains("add up to 4294967296 rows"), wrapped.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> emptyPart(new int[] {3, -1}, 8));
        assertTrue(negative.getMessage().contains("count[1] = -1 is negative"), negative.getMessage());
        // a part whose rows would end past an int is outside its block, not a wrapped-round fit
        var past = assertThrows(IllegalArgumentException.class,
                () -> new RowPart(new int[] {4}, Integer.MAX_VALUE, new FMatrixRMaj(2, 8)));
        assertTrue(past.getMessage().contains("outside a block of 4 rows"), past.getMessage());
        var rows = assertThrows(IllegalArgumentException.class,
                () -> new ExpertRows(new FMatrixRMaj(0, 8), new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 2}));
        assertTrue(rows.getMessage().contains("add up to 4294967296"), rows.getMessage());
    }

    @Test
    void aBlockOfTwoBillionRowsIsRefusedByTheDecoder() {
        // the part itself is empty and legal to make; its block could never be allocated
        ExchangePart hostile = ExchangePart.dispatch(7, 1, false, emptyPart(new int[] {Integer.MAX_VALUE, 0}, 8));
        var e = assertThrows(WireFormatException.class, () -> decode(serializer.toBinary(hostile), hostile));
        assertTrue(e.getMessage().contains("exchange block of 2147483647x8 exceeds the maximum"), e.getMessage());
    }

    @Test
    void anEightGibibyteBlockIsRefusedByTheDecoder() {
        ExchangePart hostile = ExchangePart.dispatch(7, 1, false, emptyPart(new int[] {33_554_431, 0}, 64));
        var e = assertThrows(WireFormatException.class, () -> decode(serializer.toBinary(hostile), hostile));
        assertTrue(e.getMessage().contains("exchange block of 33554431x64 exceeds the maximum"), e.getMessage());
    }

    @Test
    void countsThatWrapRoundAnIntAreRefusedByTheDecoder() {
        ExchangePart sample = ExchangePart.dispatch(7, 1, false, emptyPart(new int[3], 8));
        byte[] bytes = serializer.toBinary(sample);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(COUNTS_AT, Integer.MAX_VALUE).putInt(COUNTS_AT + 4, Integer.MAX_VALUE).putInt(COUNTS_AT + 8, 2);
        var e = assertThrows(WireFormatException.class, () -> decode(bytes, sample));
        assertTrue(e.getMessage().contains("add up to 4294967296 rows"), e.getMessage());

        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(COUNTS_AT, 0).putInt(COUNTS_AT + 4, -5).putInt(COUNTS_AT + 8, 0);
        var negative = assertThrows(WireFormatException.class, () -> decode(bytes, sample));
        assertTrue(negative.getMessage().contains("count[1] = -5 is negative"), negative.getMessage());
    }

    @Test
    void sensibleCountsStillDecode() {
        ExchangePart sample = ExchangePart.dispatch(7, 1, false, emptyPart(new int[] {0, 0}, 8));
        ExchangePart back = (ExchangePart) decode(serializer.toBinary(sample), sample);
        assertEquals(0, back.part().total());
    }

    private static Object decode(byte[] bytes, Object like) {
        return serializer.fromBinary(bytes, serializer.manifest(like));
    }
}
