package switchyard.actors.transport;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.wire.FloatArrays;
import switchyard.actors.wire.WireFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The handshake and the sealed framing against 10,000 inputs without sockets: random bytes,
 * truncated and mutated hellos, and mutated sealed frames. Every one must be refused with an
 * {@link IOException} or a {@link WireFormatException} (what the link turns into a closed
 * connection): never admitted, never delivered, never another exception, and never an allocation
 * sized by the input (a hello is read into a buffer of at most 4 KiB). The same inputs on real
 * sockets, against a training cluster, are in {@code AttacksDuringTrainingTest}.
 */
class HandshakeFuzzTest {
    static final ActorTestKit kit = ActorTestKit.create("fuzz", com.typesafe.config.ConfigFactory.parseString(
            "switchyard.data-plane.deliveries.probes { path = \"/system/testProbe-*\", manifests = [\"X\", \"K\"] }")
            .withFallback(ActorTestKit.applicationTestConfig()));
    static final String SELF = "akka://fuzz@127.0.0.1:7001";
    static final String PEER = "akka://fuzz@127.0.0.1:7002";
    static final LinkSecurity JOB = LinkSecurity.sealed(new byte[32]);

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    /** A channel that reads {@code input} and swallows what is written. */
    static ByteChannel channel(byte[] input) {
        var in = Channels.newChannel(new java.io.ByteArrayInputStream(input));
        return new ByteChannel() {
            public int read(ByteBuffer dst) throws IOException { return in.read(dst); }
            public int write(ByteBuffer src) { int n = src.remaining(); src.position(src.limit()); return n; }
            public boolean isOpen() { return true; }
            public void close() {}
        };
    }

    static byte[] hello(String from, String to, LinkSecurity.Mode mode) {
        ByteBuffer buf = ByteBuffer.allocate(FrameFormat.MAX_HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        FrameFormat.writeHello(buf, new FrameFormat.Hello(mode, from, to, new byte[LinkSecurity.NONCE_BYTES]));
        buf.flip();
        return TestPeer.bytes(buf);
    }

    static byte[] mutate(byte[] valid, Random random) {
        byte[] out = valid.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length > 0; e++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[at] = (byte) random.nextInt(256);
                case 2 -> out = Arrays.copyOf(out, at); // cut
                default -> { // a run of bytes duplicated: lengths and strings shift
                    int len = Math.min(out.length - at, 1 + random.nextInt(8));
                    byte[] grown = Arrays.copyOf(out, out.length + len);
                    System.arraycopy(out, at, grown, at + len, out.length - at);
                    out = grown;
                }
            }
        }
        return out;
    }

    /** Inputs for the listening side of the handshake: each must be refused. */
    static byte[] handshakeInput(int i, Random random) {
        byte[] valid = hello(PEER, SELF, LinkSecurity.Mode.SEALED);
        byte[] proof = new byte[LinkSecurity.PROOF_BYTES];
        random.nextBytes(proof); // no input can carry the right proof: it depends on the listener's fresh nonce
        return switch (i % 5) {
            case 0 -> { byte[] b = new byte[random.nextInt(600)]; random.nextBytes(b); yield b; }
            case 1 -> Arrays.copyOf(valid, random.nextInt(valid.length + 1));
            case 2 -> mutate(valid, random);
            case 3 -> concat(mutate(valid, random), proof);
            default -> concat(valid, Arrays.copyOf(proof, random.nextInt(proof.length + 1)));
        };
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void tenThousandHandshakesAndFramesAreAllRefusedCleanly() throws Exception {
        Random random = new Random(23);
        int refused = 0;
        for (int i = 0; i < 6000; i++) {
            byte[] input = handshakeInput(i, random);
            try {
                LinkHandshake.prove(channel(input), JOB, SELF);
                fail("input " + i + " passed the handshake: " + Arrays.toString(input));
            } catch (IOException | WireFormatException expected) {
                refused++;
            } catch (RuntimeException e) {
                throw new AssertionError("input " + i + " broke the handshake with " + e + ": " + Arrays.toString(input), e);
            }
        }
        // sealed frames: a real one, then mutations of it, read by a link that shares the key
        TestProbe<Object> target = kit.createTestProbe();
        FrameCodec codec = new FrameCodec(kit.system(), FloatArrays.NEW);
        ByteBuffer plain = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        codec.encode(target.getRef(), new RankMessage.PartAck(1), plain, codec.refCache());
        plain.flip();
        byte[] key = new byte[32];
        key[3] = 9;
        ByteBuffer sealed = ByteBuffer.allocate(plain.remaining() + FrameCipher.TAG_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        sealed.putInt(plain.remaining() - 4 + FrameCipher.TAG_BYTES);
        plain.position(4);
        FrameCipher.sealing(key).seal(plain, sealed);
        byte[] frame = sealed.array();
        for (int i = 0; i < 4000; i++) {
            byte[] input = i % 4 == 0 ? randomFrame(random) : mutate(frame, random);
            if (Arrays.equals(input, frame)) input[input.length - 1] ^= 1;
            FrameReader reader = new FrameReader(channel(input), 1 << 20, FrameCipher.opening(key));
            // a mutation behind an intact frame leaves that frame genuine: it is delivered, what follows it is not
            boolean genuineFirst = input.length > frame.length && Arrays.equals(input, 0, frame.length, frame, 0, frame.length);
            try {
                ByteBuffer body = reader.next();
                if (body == null) { refused++; continue; } // nothing at all arrived: a connection that ended
                if (genuineFirst) {
                    assertEquals(new RankMessage.PartAck(1), codec.decode(body, codec.refCache()).message());
                    body = reader.next();
                    if (body == null) fail("input " + i + " ended cleanly after the genuine frame, but it is longer");
                }
                codec.decode(body, codec.refCache());
                fail("frame input " + i + " was delivered: " + Arrays.toString(input));
            } catch (IOException | WireFormatException expected) {
                refused++;
            } catch (RuntimeException e) {
                throw new AssertionError("frame input " + i + " broke the reader with " + e + ": " + Arrays.toString(input), e);
            }
        }
        assertEquals(10_000, refused);
        target.expectNoMessage(java.time.Duration.ofMillis(50));
    }

    static byte[] randomFrame(Random random) {
        byte[] b = new byte[4 + random.nextInt(300)];
        random.nextBytes(b);
        int len = random.nextBoolean() ? b.length - 4 : random.nextInt();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, len);
        return b;
    }
}
