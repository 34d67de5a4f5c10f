package switchyard.actors.wire;

import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.cluster.RankHost;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.RowEncoding;
import switchyard.actors.protocol.RowPart;
import switchyard.actors.protocol.StepReport;
import switchyard.actors.protocol.StepTensors;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.transport.DataPlaneLocator;
import switchyard.actors.transport.Transport;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.rank.RankActor;
import switchyard.actors.rank.RankSettings;
import switchyard.math.dispatch.ExpertRows;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.gate.AuxLoss;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.precision.Precision;
import switchyard.math.gate.ScoreFunction;
import switchyard.math.placement.Placement;
import switchyard.math.task.ClusteredRegression;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static switchyard.actors.wire.WireSamples.matrix;

/**
 * Feeds the decoder 12,000 inputs: unmodified encodings (which must round-trip byte for byte),
 * flipped bytes, truncations, extensions, hostile lengths, swapped manifests and pure noise. The
 * only acceptable outcomes are a correct decode or a {@link WireFormatException}; anything else —
 * an OutOfMemoryError, an index or negative-size exception — fails the test, naming the input.
 */
class WireFuzzTest {
    static final ActorTestKit kit = ActorTestKit.create("fuzz");
    static final int ITERATIONS = 12_000;

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    private static ExpertGrads grads(SplittableRandom random, int cols) {
        return WireSamples.grads(random, cols, 3);
    }

    /** Of W = 2 ranks of L experts and one spare slot each, rank 1's spare a replica of expert 0, rank 0's a random one. */
    private static Placement replicated(SplittableRandom random, int l) {
        int[] slots = new int[2 * (l + 1)];
        for (int e = 0; e < 2 * l; e++) slots[e / l * (l + 1) + e % l] = e;
        slots[l] = random.nextInt(2 * l);
        return new Placement(2, l, 1, slots);
    }

    /** One valid message of every wire type, with random shapes and contents. */
    private static List<Object> samples(SplittableRandom random) {
        TestProbe<RankReply> reply = kit.createTestProbe(RankReply.class);
        TestProbe<RankMessage> rank = kit.createTestProbe(RankMessage.class);
        TestProbe<RankHost.HostReply> host = kit.createTestProbe(RankHost.HostReply.class);
        TestProbe<DataPlaneLocator.Located> located = kit.createTestProbe(DataPlaneLocator.Located.class);
        int rows = random.nextInt(6), cols = 1 + random.nextInt(5), l = 1 + random.nextInt(3);
        int[] counts = new int[l];
        counts[random.nextInt(l)] = rows;
        RowPart part = RowPart.whole(new ExpertRows(matrix(random, rows, cols), counts));
        StepReport report = new StepReport(rows, random.nextDouble(), 0.5f, 0.1f, 0.2f, 3, new int[] {1, 2}, new int[] {0, 1}, 1,
                new int[][] {{1}, {2}, {3}, {4}}, new long[][] {{5}, {6}, {7}, {8}}, new long[Phase.values().length],
                new int[] {2, 1}, random.nextBoolean() ? new int[0] : new int[] {0, 1, 1},
                random.nextBoolean() ? new float[0] : new float[] {0.25f, -0.5f});
        RoutingOptions routing = random.nextBoolean() ? RoutingOptions.builder().capacityFactor(1.5).build()
                : RoutingOptions.builder().noise(NoisePolicy.NONE).score(ScoreFunction.SIGMOID).topK(2).groups(2, 1)
                        .biasUpdateRate(0.01f).aux(AuxLoss.SEQUENCE).routeScale(2.5f).dropless(true).build();
        RankSettings settings = new RankSettings(1, 2, l * 2, cols, 3, routing, 7,
                OptimizerSpec.parse("adam:lr=0.01"), Duration.ofSeconds(3), 8, "ejml", new ExchangeSettings(1024, 2), 0, 3,
                random.nextBoolean() ? Precision.BF16 : Precision.FP32).withTokensPerStep(1 + random.nextInt(4096));
        List<Object> samples = new ArrayList<>(WireSamples.placementMessages(random, cols, 1 + random.nextInt(4), reply.getRef()));
        samples.add(new RankHost.Configure(settings.withPlacement(replicated(random, l * 2)), host.getRef()));
        samples.addAll(List.of(
                new RankMessage.Roster(List.of(rank.getRef(), rank.getRef()), reply.getRef()),
                new RankMessage.RunStep(3, new Batch.Given(matrix(random, rows, cols), new Objective.Mse(matrix(random, rows, cols)),
                        random.nextBoolean() ? null : matrix(random, rows, 2)), true, false, reply.getRef()),
                new RankMessage.RunStep(4, new Batch.Synthetic(new ClusteredRegression.Spec(1, 2, cols, 4)), false, true, reply.getRef()),
                ExchangePart.dispatch(5, 1, true, part),
                ExchangePart.expertOutput(5, 0, RowPart.whole(new ExpertRows(matrix(random, rows, cols), counts)).encodedAs(RowEncoding.BF16)),
                ExchangePart.expertOutput(5, 0, part),
                ExchangePart.outputGradient(5, 1, part),
                ExchangePart.inputGradient(5, 0, part),
                new RankMessage.PartAck(1),
                new RankMessage.ApplyUpdate(new long[] {4, 5}, matrix(random, cols, 2), reply.getRef()),
                new RankMessage.ApplyUpdate(new long[] {4}, matrix(random, cols, 2), List.of(grads(random, cols)), new long[] {3, 1},
                        reply.getRef()),
                new RankMessage.AbortStep(6, "because"),
                new RankMessage.ReportDigest(reply.getRef()),
                new RankMessage.InspectGradients(2, reply.getRef()),
                new RankMessage.LoadParameters(matrix(random, cols, 2), List.of(Expert.initialised(cols, 3, random)), reply.getRef()),
                new RankMessage.LoadParameters(matrix(random, cols, 2), List.of(Expert.initialised(cols, 3, random)),
                        List.of(Expert.initialised(cols, 4, random)), new float[] {0.5f, -1f}, reply.getRef()),
                new RankReply.StepDone(5, 1, report, matrix(random, cols, 2),
                        new StepTensors(2, new int[] {0, 1}, new int[] {0, 0}, new boolean[] {true, false}, new float[] {1, 0},
                                new int[] {1, 1}, random.nextBoolean() ? null : new int[] {1}, matrix(random, 1, cols), null),
                        random.nextBoolean() ? List.of() : List.of(grads(random, cols))),
                new RankReply.StepFailed(5, 1, Phase.DISPATCH, new int[] {0}, "late"),
                new RankReply.Rejected(5, 1, "stale"),
                new RankReply.Updated(1, new long[] {5}),
                new RankReply.ParameterDigest(1, new byte[] {1, 2, 3}, List.of(new byte[32])),
                new RankReply.ParameterDigest(1, new byte[] {1, 2, 3}, List.of(new byte[32]), new byte[32]),
                new RankReply.Loaded(1),
                new RankReply.Gradients(5, 1, List.of(new ExpertGrads(matrix(random, cols, 3), matrix(random, 1, 3),
                        matrix(random, 3, cols), matrix(random, 1, cols)))),
                new RankHost.Configure(settings, host.getRef()),
                new RankHost.Ping(host.getRef()),
                new RankHost.Shutdown("done"),
                new RankHost.HostReply.Configured(1, rank.getRef()),
                new RankHost.HostReply.Refused(1, "no"),
                new RankHost.HostReply.Pong(1),
                new RankMessage.RunStep(5, new Batch.Noise(3, rows + 1, cols), true, false, reply.getRef()),
                new RankMessage.SaveCheckpoint("/tmp/ckpt", 10, reply.getRef()),
                new RankMessage.RestoreCheckpoint("/tmp/ckpt", reply.getRef()),
                new RankReply.CheckpointSaved(1, "/tmp/ckpt/rank-1.ckpt"),
                new RankReply.Restored(1, 10),
                new DataPlaneLocator.Locate(located.getRef()),
                new DataPlaneLocator.Located(1 + random.nextInt(65535))));
        return samples;
    }

    @Test
    void theDecoderOnlyEverDecodesCorrectlyOrRefusesCleanly() {
        MoeSerializer s = (MoeSerializer) SerializationExtension.get(Adapter.toClassic(kit.system()))
                .serializerByIdentity().apply(MoeSerializer.IDENTIFIER);
        SplittableRandom random = new SplittableRandom(20261128);
        List<Object> samples = samples(random);
        String[] manifests = samples.stream().map(s::manifest).distinct().toArray(String[]::new);
        int roundTrips = 0, rejected = 0, decodedMutants = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            if (i % 500 == 0) samples = samples(random);
            Object message = samples.get(random.nextInt(samples.size()));
            String manifest = s.manifest(message);
            byte[] bytes = s.toBinary(message);
            int kind = random.nextInt(8);
            byte[] input = mutate(kind, bytes, random);
            String as = kind == 6 ? manifests[random.nextInt(manifests.length)] : manifest;
            try {
                Object decoded = s.fromBinary(input, as);
                if (kind == 0) {
                    assertArrayEquals(bytes, s.toBinary(decoded), "round trip of " + manifest);
                    roundTrips++;
                } else {
                    s.toBinary(decoded); // whatever decoded must be a well-formed message again
                    decodedMutants++;
                }
            } catch (WireFormatException e) {
                if (kind == 0) fail("an unmodified " + manifest + " message was refused: " + e.getMessage());
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                rejected++;
            } catch (Throwable t) {
                fail("input " + i + " (mutation " + kind + " of a " + manifest + " message, decoded as " + as + ", "
                        + input.length + " bytes) raised " + t, t);
            }
        }
        System.out.printf("wire fuzz: %d inputs, %d round trips, %d clean rejections, %d mutants decoded%n",
                ITERATIONS, roundTrips, rejected, decodedMutants);
        assertTrue(roundTrips > 1000 && rejected > 5000, "the mix should exercise both outcomes");
    }

    private static byte[] mutate(int kind, byte[] bytes, SplittableRandom random) {
        byte[] b = bytes.clone();
        switch (kind) {
            case 0, 6 -> { } // unmodified; or decoded under another manifest
            case 1 -> { // flip a few bytes
                if (b.length > 0) for (int n = 1 + random.nextInt(4); n > 0; n--) b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            }
            case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncate
            case 3 -> { // extend with noise
                int extra = 1 + random.nextInt(16);
                b = Arrays.copyOf(b, b.length + extra);
                for (int j = bytes.length; j < b.length; j++) b[j] = (byte) random.nextInt(256);
            }
            case 4 -> { // a hostile length where an int could be
                if (b.length >= 4) {
                    int at = random.nextInt(b.length - 3);
                    int[] hostile = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 30, 1 << 26, 65_536};
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, hostile[random.nextInt(hostile.length)]);
                }
            }
            case 5 -> { // pure noise
                b = new byte[random.nextInt(64)];
                for (int j = 0; j < b.length; j++) b[j] = (byte) random.nextInt(256);
            }
            default -> { // swap two bytes and drop the last
                if (b.length > 1) {
                    int x = random.nextInt(b.length), y = random.nextInt(b.length);
                    byte t = b[x]; b[x] = b[y]; b[y] = t;
                    b = Arrays.copyOf(b, b.length - 1);
                }
            }
        }
        return b;
    }
}
