package switchyard.actors.transport;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.RowPart;
import switchyard.actors.rank.RankActor;
import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.WireWriter;
import switchyard.math.dispatch.ExpertRows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data plane's frames without sockets: exact round trips, and clear refusals of broken input. */
class FramingTest {
    /** Test probes stand in for rank actors here, so the data plane may deliver exchange messages to them. */
    static final ActorTestKit kit = ActorTestKit.create("framing", com.typesafe.config.ConfigFactory.parseString(
            "switchyard.data-plane.deliveries.probes { path = \"/system/testProbe-*\", manifests = [\"X\", \"K\"] }")
            .withFallback(ActorTestKit.applicationTestConfig()));
    static final FrameCodec codec = new FrameCodec(kit.system(), switchyard.actors.wire.FloatArrays.NEW);
    static final int MAX_FRAME = 1 << 20;

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    private static byte[] bytes(ByteBuffer buf) {
        buf.flip();
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    private static FrameReader reader(byte[] stream) {
        return new FrameReader(Channels.newChannel(new ByteArrayInputStream(stream)), MAX_FRAME);
    }

    private static RowPart middlePart() {
        FMatrixRMaj block = new FMatrixRMaj(7, 3);
        for (int i = 0; i < block.data.length; i++) block.data[i] = i * 0.5f - 3 + (i % 4 == 0 ? Float.MIN_VALUE : 0);
        return RowPart.split(new ExpertRows(block, new int[] {4, 3}), 3).get(1); // rows 3..5, a view
    }

    private static byte[] frameOf(Object message, akka.actor.typed.ActorRef<?> to) {
        ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        int size = codec.encode(to, message, buf, codec.refCache());
        assertEquals(buf.position(), size, "the frame's size is what was written");
        return bytes(buf);
    }

    @Test
    void messageFramesRoundTripBitForBitAndEndCleanly() throws Exception {
        TestProbe<RankMessage> target = kit.createTestProbe(RankMessage.class);
        RowPart part = middlePart();
        ExchangePart sent = ExchangePart.dispatch(12, 1, true, part);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(frameOf(sent, target.getRef()));
        stream.write(frameOf(new RankMessage.PartAck(5), target.getRef()));

        FrameReader frames = reader(stream.toByteArray());
        FrameCodec.Delivery first = codec.decode(frames.next(), codec.refCache());
        assertEquals(target.getRef(), first.to());
        ExchangePart back = assertInstanceOf(ExchangePart.class, first.message());
        assertEquals(12, back.step());
        assertEquals(1, back.from());
        assertTrue(back.backward());
        assertEquals(3, back.part().firstRow());
        assertArrayEquals(part.counts(), back.part().counts());
        assertArrayEquals(part.rows().data, back.part().rows().data, "the view's rows, not the whole block");
        assertEquals(new RankMessage.PartAck(5), codec.decode(frames.next(), codec.refCache()).message());
        assertNull(frames.next(), "a stream that ends between frames ends cleanly");
    }

    @Test
    void anEmptyFrameIsAKeepAliveAndAnySealedFrameMustCarryItsTag() throws Exception {
        byte[] keepAlive = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0).array();
        ByteBuffer body = reader(keepAlive).next();
        assertEquals(0, body.remaining());
        byte[] key = new byte[32];
        FrameReader sealed = new FrameReader(Channels.newChannel(new ByteArrayInputStream(
                ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(8).putLong(0).array())), MAX_FRAME, FrameCipher.opening(key));
        WireFormatException shortFrame = assertThrows(WireFormatException.class, sealed::next);
        assertTrue(shortFrame.getMessage().contains("shorter than its tag"), shortFrame.getMessage());
    }

    @Test
    void sealedFramesRoundTripAndAnyChangedByteFailsTheirTag() throws Exception {
        byte[] key = new byte[32];
        key[0] = 7;
        byte[] plain = frameOf(new RankMessage.PartAck(5), kit.createTestProbe().getRef());
        FrameCipher sealer = FrameCipher.sealing(key);
        ByteBuffer out = ByteBuffer.allocate(plain.length + FrameCipher.TAG_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(plain.length - 4 + FrameCipher.TAG_BYTES);
        sealer.seal(ByteBuffer.wrap(plain, 4, plain.length - 4), out);
        byte[] wire = out.array();
        FrameReader good = new FrameReader(Channels.newChannel(new ByteArrayInputStream(wire)), MAX_FRAME, FrameCipher.opening(key));
        assertEquals(new RankMessage.PartAck(5), codec.decode(good.next(), codec.refCache()).message());
        for (int i = 4; i < wire.length; i++) {
            byte[] bad = wire.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            FrameReader r = new FrameReader(Channels.newChannel(new ByteArrayInputStream(bad)), MAX_FRAME, FrameCipher.opening(key));
            WireFormatException e = assertThrows(WireFormatException.class, r::next, "byte " + i + " changed");
            assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
        }
    }

    @Test
    void aStreamCutInsideAFrameIsAnEofSayingWhere() {
        byte[] frame = frameOf(ExchangePart.dispatch(1, 0, false, middlePart()), kit.createTestProbe().getRef());
        EOFException inLength = assertThrows(EOFException.class, () -> reader(Arrays.copyOf(frame, 2)).next());
        assertTrue(inLength.getMessage().contains("2 of 4 length bytes"), inLength.getMessage());
        EOFException inBody = assertThrows(EOFException.class, () -> reader(Arrays.copyOf(frame, frame.length - 1)).next());
        assertTrue(inBody.getMessage().contains((frame.length - 5) + " of " + (frame.length - 4) + " body bytes"), inBody.getMessage());
    }

    @Test
    void aLengthOutOfBoundsIsRefusedBeforeAnythingIsRead() {
        for (int length : new int[] {-1, -7, MAX_FRAME + 1, Integer.MAX_VALUE}) {
            byte[] stream = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(length).putInt(0).array();
            WireFormatException e = assertThrows(WireFormatException.class, () -> reader(stream).next(), "length " + length);
            assertTrue(e.getMessage().contains("frame length " + length) || e.getMessage().contains("max-frame-bytes"), e.getMessage());
        }
    }

    @Test
    void aBodyThatDoesNotDecodeIsAWireFormatError() throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(256);
        int start = FrameFormat.begin(buf);
        FrameFormat.writeHeader(new WireWriter(buf), new FrameFormat.Header("akka://framing/user/nobody", "no-such-manifest"));
        FrameFormat.end(buf, start);
        WireFormatException unknown = assertThrows(WireFormatException.class, () -> codec.decode(reader(bytes(buf)).next(), codec.refCache()));
        assertTrue(unknown.getMessage().contains("'no-such-manifest' message for /user/nobody"), unknown.getMessage());

        ByteBuffer huge = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
        int s = FrameFormat.begin(huge);
        huge.putInt(1_000_000).put((byte) 'x'); // a target "string" far longer than any actor path
        FrameFormat.end(huge, s);
        WireFormatException tooLong = assertThrows(WireFormatException.class, () -> codec.decode(reader(bytes(huge)).next(), codec.refCache()));
        assertTrue(tooLong.getMessage().contains("exceeds the maximum"), tooLong.getMessage());
    }

    @Test
    void helloRoundTripsAndAStrangerIsRefused() throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(256);
        byte[] nonce = new byte[LinkSecurity.NONCE_BYTES];
        nonce[5] = 42;
        FrameFormat.writeHello(buf, new FrameFormat.Hello(LinkSecurity.Mode.SEALED, "akka://a@127.0.0.1:1", "akka://b@127.0.0.1:2", nonce));
        byte[] hello = bytes(buf);
        FrameFormat.Hello back = FrameFormat.readHello(reader(hello).next());
        assertEquals(LinkSecurity.Mode.SEALED, back.mode());
        assertEquals("akka://a@127.0.0.1:1", back.from());
        assertEquals("akka://b@127.0.0.1:2", back.to());
        assertArrayEquals(nonce, back.nonce());

        byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThrows(WireFormatException.class, () -> reader(http).next(), "an HTTP request is no frame");

        byte[] wrongMagic = hello.clone();
        wrongMagic[4] = 'X';
        WireFormatException magic = assertThrows(WireFormatException.class, () -> FrameFormat.readHello(reader(wrongMagic).next()));
        assertTrue(magic.getMessage().contains("not a Switchyard data-plane connection"), magic.getMessage());

        byte[] wrongVersion = hello.clone();
        wrongVersion[8] = 99;
        WireFormatException version = assertThrows(WireFormatException.class, () -> FrameFormat.readHello(reader(wrongVersion).next()));
        assertTrue(version.getMessage().contains("version 99"), version.getMessage());
    }
}
