package switchyard.actors.wire;

import switchyard.actors.protocol.Exchange;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import akka.actor.typed.javadsl.Adapter;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.protocol.RowPart;
import switchyard.math.precision.Bfloat16;
import switchyard.actors.rank.RankActor;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.task.ClusteredRegression;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binary format: what Akka picks for our messages, exact round trips, exact sizes, strict refusal. */
class WireFormatTest {
    static final ActorTestKit kit = ActorTestKit.create("wire");
    static final Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    private static Object roundTrip(Object message) {
        var serializer = serialization.findSerializerFor(message);
        assertInstanceOf(MoeSerializer.class, serializer, "serializer for " + message.getClass().getSimpleName());
        byte[] bytes = serialization.serialize(message).get();
        Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
        assertNotSame(message, back);
        return back;
    }

    private static FMatrixRMaj matrix(int rows, int cols, float seed) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = seed + i * 0.25f - (i % 3 == 0 ? Float.MIN_VALUE : 0);
        return m;
    }

    @Test
    void exchangeMessagesRoundTripBitForBitAndHaveTheDocumentedSize() {
        ExpertRows rows = new ExpertRows(matrix(5, 3, -1.5f), new int[] {2, 0, 3});
        ExchangePart d = ExchangePart.dispatch(42, 3, true, RowPart.whole(rows));
        ExchangePart back = (ExchangePart) roundTrip(d);
        assertEquals(Exchange.DISPATCH, back.exchange());
        assertEquals(42, back.step());
        assertEquals(3, back.from());
        assertTrue(back.backward());
        assertArrayEquals(rows.counts(), back.part().counts());
        assertArrayEquals(rows.rows().data, back.part().rows().data);
        assertEquals(ExchangePart.wireBytes(d.part()), serialization.serialize(d).get().length);
        RowPart tail = RowPart.split(rows, 2).get(2);
        ExchangePart g = (ExchangePart) roundTrip(ExchangePart.inputGradient(1, 2, tail));
        assertEquals(Exchange.INPUT_GRAD, g.exchange());
        assertFalse(g.backward());
        assertEquals(4, g.part().firstRow());
        assertArrayEquals(tail.rows().data, g.part().rows().data);
        assertEquals(ExchangePart.wireBytes(tail), serialization.serialize(g).get().length);
        ExchangePart empty = (ExchangePart) roundTrip(ExchangePart.expertOutput(7, 1, RowPart.whole(ExpertRows.empty(2, 4))));
        assertEquals(0, empty.part().rows().numRows);
        assertEquals(4, empty.part().rows().numCols);
    }

    /**
     * Bfloat16 rows: rounded to nearest even in the sender's block as they are encoded, two bytes a
     * value (the documented size), and widened back exactly; the flags say which encoding it is.
     */
    @Test
    void bf16RowsTravelInHalfTheBytesAsTheRoundedValues() {
        FMatrixRMaj m = matrix(4, 3, 0.3f);
        m.data[0] = 1f + 0x1p-8f;                  // a tie: to even, 1
        m.data[1] = 1f + 0x1p-8f + 0x1p-9f;        // above the tie: up to 1 + 2^-7
        m.data[2] = Float.NaN;
        m.data[3] = -0f;
        float[] sent = m.data.clone();
        ExpertRows rows = new ExpertRows(m, new int[] {1, 3});
        ExchangePart fp32 = ExchangePart.outputGradient(3, 1, RowPart.whole(rows));
        ExchangePart bf16 = ExchangePart.outputGradient(3, 1, RowPart.whole(rows).encodedAs(RowEncoding.BF16));
        ExchangePart back = (ExchangePart) roundTrip(bf16);
        assertEquals(RowEncoding.BF16, back.part().encoding());
        assertEquals(Exchange.OUTPUT_GRAD, back.exchange());
        assertEquals(1f, back.part().rows().data[0]);
        assertEquals(1f + 0x1p-7f, back.part().rows().data[1]);
        assertTrue(Float.isNaN(back.part().rows().data[2]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.part().rows().data[3]));
        for (int i = 4; i < sent.length; i++) assertEquals(Bfloat16.round(sent[i]), back.part().rows().data[i], "value " + i);
        assertArrayEquals(m.data, back.part().rows().data, "the sender's block holds what was sent");
        long full = serialization.serialize(fp32).get().length;
        long half = serialization.serialize(bf16).get().length;
        assertEquals(ExchangePart.wireBytes(bf16.part()), half);
        assertEquals(2L * m.getNumElements(), full - half);
    }

    @Test
    void controlMessagesAndRepliesRoundTrip() {
        TestProbe<RankReply> probe = kit.createTestProbe(RankReply.class);
        TestProbe<RankMessage> rank = kit.createTestProbe(RankMessage.class);
        RankMessage.Roster t = (RankMessage.Roster) roundTrip(new RankMessage.Roster(List.of(rank.getRef(), rank.getRef()), probe.getRef()));
        assertEquals(List.of(rank.getRef(), rank.getRef()), t.ranks());
        assertEquals(probe.getRef(), t.driver());

        RankMessage.RunStep given = (RankMessage.RunStep) roundTrip(new RankMessage.RunStep(9, new Batch.Given(matrix(2, 3, 1),
                new Objective.Linear(matrix(2, 3, 2)), matrix(2, 4, 3)), true, true, probe.getRef()));
        Batch.Given g = (Batch.Given) given.batch();
        assertArrayEquals(matrix(2, 4, 3).data, g.gumbelNoise().data);
        assertArrayEquals(matrix(2, 3, 2).data, ((Objective.Linear) g.objective()).weights().data);
        ClusteredRegression.Spec spec = new ClusteredRegression.Spec(5, 3, 8, 16);
        RankMessage.RunStep synthetic = (RankMessage.RunStep) roundTrip(new RankMessage.RunStep(1, new Batch.Synthetic(spec), false, false, probe.getRef()));
        assertEquals(spec, ((Batch.Synthetic) synthetic.batch()).spec());
        ClusteredRegression.Spec skewed = new ClusteredRegression.Spec(5, 3, 8, 16, 1.2);
        RankMessage.RunStep hot = (RankMessage.RunStep) roundTrip(new RankMessage.RunStep(1, new Batch.Synthetic(skewed), false, false, probe.getRef()));
        assertEquals(skewed, ((Batch.Synthetic) hot.batch()).spec(), "the skew travels with the task, so remote ranks draw the same clusters");
        Batch.Noise noise = new Batch.Noise(-7, 16, 8, 2);
        assertEquals(noise, ((RankMessage.RunStep) roundTrip(new RankMessage.RunStep(2, noise, true, false, probe.getRef()))).batch());

        RankReply.StepFailed failed = (RankReply.StepFailed) roundTrip(new RankReply.StepFailed(3, 1, Phase.INPUT_GRAD, new int[] {0, 2}, "late"));
        assertEquals(Phase.INPUT_GRAD, failed.phase());
        assertArrayEquals(new int[] {0, 2}, failed.missing());
        RankReply.ParameterDigest digest = (RankReply.ParameterDigest) roundTrip(
                new RankReply.ParameterDigest(2, new byte[] {1, 2}, List.of(new byte[] {3}, new byte[0])));
        assertArrayEquals(new byte[] {3}, digest.experts().get(0));
        RankMessage.ApplyUpdate update = (RankMessage.ApplyUpdate) roundTrip(new RankMessage.ApplyUpdate(new long[] {4, 5}, matrix(3, 2, 0), probe.getRef()));
        assertArrayEquals(new long[] {4, 5}, update.steps());
    }

    /** What placements brought to the wire comes back exactly: every field, the optimizer state, the placements. */
    @Test
    void placementMessagesRoundTripExactly() {
        TestProbe<RankReply> probe = kit.createTestProbe(RankReply.class);
        List<WireMessage> sent = WireSamples.placementMessages(new SplittableRandom(3), 4, 5, probe.getRef());
        MoeSerializer s = moe();
        for (WireMessage m : sent) assertArrayEquals(s.toBinary(m), s.toBinary(roundTrip(m)), m.getClass().getSimpleName());

        RankMessage.ExpertMove move = (RankMessage.ExpertMove) sent.get(0);
        RankMessage.ExpertMove moveBack = (RankMessage.ExpertMove) roundTrip(move);
        assertEquals(List.of(11L, 2, 1, 5), List.of(moveBack.update(), moveBack.from(), moveBack.slot(), moveBack.expert()));
        assertArrayEquals(move.weights().w1().data, moveBack.weights().w1().data);
        assertArrayEquals(move.weights().b2().data, moveBack.weights().b2().data);
        assertEquals(move.state(), moveBack.state(), "every parameter's Adam buffers, bit for bit");
        assertEquals(List.of("expert5.W1", "expert5.W2", "expert5.b1", "expert5.b2"),
                List.copyOf(moveBack.state().params().keySet()));

        RankMessage.ReportReplicaGradients ask = (RankMessage.ReportReplicaGradients) roundTrip(sent.get(1));
        assertArrayEquals(new long[] {10, 11}, ask.steps());
        assertEquals(probe.getRef(), ask.replyTo());
        RankReply.ReplicaGradients sums = (RankReply.ReplicaGradients) sent.get(2);
        RankReply.ReplicaGradients sumsBack = (RankReply.ReplicaGradients) roundTrip(sums);
        assertEquals(1, sumsBack.rank());
        assertArrayEquals(new int[] {0, 1}, sumsBack.slots());
        assertArrayEquals(sums.grads().get(1).w2().data, sumsBack.grads().get(1).w2().data);

        RankMessage.ApplyUpdate update = (RankMessage.ApplyUpdate) sent.get(3);
        RankMessage.ApplyUpdate updateBack = (RankMessage.ApplyUpdate) roundTrip(update);
        assertEquals(WireSamples.NEXT, updateBack.next());
        assertEquals(2, updateBack.replicaGradients().size());
        assertArrayEquals(update.replicaGradients().get(1).b1().data, updateBack.replicaGradients().get(1).b1().data);
        assertArrayEquals(update.expertLoads(), updateBack.expertLoads());
        assertEquals(probe.getRef(), updateBack.replyTo());

        RankMessage.RestoreCheckpoint restore = (RankMessage.RestoreCheckpoint) roundTrip(sent.get(4));
        assertEquals("/tmp/ckpt/step-000004", restore.dir());
        assertEquals(WireSamples.NEXT, restore.placement());
        // and no placement is none, not the static map
        RankMessage.RestoreCheckpoint anywhere = new RankMessage.RestoreCheckpoint("/tmp/ckpt", probe.getRef());
        assertNull(((RankMessage.RestoreCheckpoint) roundTrip(anywhere)).placement());
        RankMessage.ApplyUpdate staying = new RankMessage.ApplyUpdate(new long[] {1}, matrix(2, 3, 0), probe.getRef());
        assertNull(((RankMessage.ApplyUpdate) roundTrip(staying)).next());
    }

    /** Every prefix of every placement message is refused, and so is a placement that leaves an expert out. */
    @Test
    void truncatedPlacementMessagesAndBadPlacementsAreRefused() {
        TestProbe<RankReply> probe = kit.createTestProbe(RankReply.class);
        MoeSerializer s = moe();
        for (WireMessage m : WireSamples.placementMessages(new SplittableRandom(4), 3, 2, probe.getRef())) {
            byte[] whole = s.toBinary(m);
            for (int n = 0; n < whole.length; n++) {
                byte[] prefix = Arrays.copyOf(whole, n);
                assertThrows(WireFormatException.class, () -> s.fromBinary(prefix, s.manifest(m)),
                        m.getClass().getSimpleName() + " cut to " + n + " of " + whole.length + " bytes");
            }
        }
        // layout: dir (length 4 + 12 bytes), has placement 16, W 17, L 21, R 25, slot count 29, slots from 33
        RankMessage.RestoreCheckpoint restore = new RankMessage.RestoreCheckpoint("/tmp/ckpt/s4", WireSamples.NEXT, probe.getRef());
        byte[] bytes = s.toBinary(restore);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(33 + 4 * 2, 4); // rank 0's slot 2: expert 4 in place of 3
        var bad = assertThrows(WireFormatException.class, () -> s.fromBinary(bytes, s.manifest(restore)));
        assertEquals("bad placement: every expert needs at least one slot; no slot holds expert 3", bad.getMessage());
    }

    private static MoeSerializer moe() {
        return (MoeSerializer) serialization.serializerByIdentity().apply(MoeSerializer.IDENTIFIER);
    }

    /** A skew no sender could have made (here NaN in place of 1.2) is refused as a bad message, not drawn from. */
    @Test
    void aSyntheticTaskWithABadSkewIsRefused() {
        TestProbe<RankReply> probe = kit.createTestProbe(RankReply.class);
        RankMessage.RunStep step = new RankMessage.RunStep(1, new Batch.Synthetic(new ClusteredRegression.Spec(5, 3, 8, 16, 1.2)), false, false, probe.getRef());
        MoeSerializer s = (MoeSerializer) serialization.serializerByIdentity().apply(MoeSerializer.IDENTIFIER);
        byte[] bytes = s.toBinary(step);
        byte[] skew = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.2).array();
        int at = -1;
        for (int i = 0; i + 8 <= bytes.length && at < 0; i++) if (Arrays.equals(skew, 0, 8, bytes, i, i + 8)) at = i;
        assertTrue(at >= 0, "the skew is on the wire");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(at, Double.NaN);
        var bad = assertThrows(WireFormatException.class, () -> s.fromBinary(bytes, s.manifest(step)));
        assertTrue(bad.getMessage().contains("bad synthetic task: --skew"), bad.getMessage());
    }

    @Test
    void malformedBytesAreRefusedWithAClearError() {
        MoeSerializer s = (MoeSerializer) serialization.serializerByIdentity().apply(MoeSerializer.IDENTIFIER);
        // layout: step 0, rank 8, exchange and flags 12, first row 13, counts length 17, counts[0] 21, rows 25, cols 29, data 33
        ExchangePart sample = ExchangePart.dispatch(1, 0, false, RowPart.whole(new ExpertRows(matrix(2, 2, 0), new int[] {2})));
        byte[] good = s.toBinary(sample);
        String manifest = s.manifest(sample);

        var unknown = assertThrows(WireFormatException.class, () -> s.fromBinary(good, "no-such-manifest"));
        assertTrue(unknown.getMessage().contains("unknown manifest"), unknown.getMessage());

        var truncated = assertThrows(WireFormatException.class, () -> s.fromBinary(Arrays.copyOf(good, good.length - 3), manifest));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(WireFormatException.class, () -> s.fromBinary(trailing, manifest));

        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(25, -1); // matrix rows
        var neg = assertThrows(WireFormatException.class, () -> s.fromBinary(negative, manifest));
        assertTrue(neg.getMessage().contains("negative"), neg.getMessage());

        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(25, 1 << 20).putInt(29, 1 << 20);
        var big = assertThrows(WireFormatException.class, () -> s.fromBinary(huge, manifest));
        assertTrue(big.getMessage().contains("exceeds"), big.getMessage());

        byte[] badCounts = good.clone();
        ByteBuffer.wrap(badCounts).order(ByteOrder.LITTLE_ENDIAN).putInt(21, 5); // counts say 5 rows, the part has 2 starting at row 0: fine; start it past the end instead
        ByteBuffer.wrap(badCounts).order(ByteOrder.LITTLE_ENDIAN).putInt(13, 4);
        var counts = assertThrows(WireFormatException.class, () -> s.fromBinary(badCounts, manifest));
        assertTrue(counts.getMessage().contains("outside a block of 5 rows"), counts.getMessage());

        byte[] noSuchExchange = good.clone();
        noSuchExchange[12] = (byte) (4 << 1);
        var exchange = assertThrows(WireFormatException.class, () -> s.fromBinary(noSuchExchange, manifest));
        assertTrue(exchange.getMessage().contains("unknown exchange 4"), exchange.getMessage());

        byte[] backwardOnAnAnswer = good.clone();
        backwardOnAnAnswer[12] = (byte) (Exchange.EXPERT_OUTPUT.ordinal() << 1 | 1);
        var flag = assertThrows(WireFormatException.class, () -> s.fromBinary(backwardOnAnAnswer, manifest));
        assertTrue(flag.getMessage().contains("only a dispatch says whether a backward pass follows"), flag.getMessage());
    }
}
