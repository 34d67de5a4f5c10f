package switchyard.actors.cluster;

import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.actors.rank.RankSettings;
import switchyard.actors.wire.WireFormatException;
import switchyard.actors.wire.WireReader;
import switchyard.actors.wire.WireWriter;
import switchyard.math.gate.AuxLoss;
import switchyard.math.gate.NoisePolicy;
import switchyard.math.gate.RoutingKind;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.placement.Placement;
import switchyard.math.gate.ScoreFunction;
import switchyard.math.precision.Precision;

import java.time.Duration;

/** The wire form of a job's {@link RankSettings}, which the driver sends every rank slot. */
final class SettingsCodec {
    private SettingsCodec() {}

    static void write(RankSettings s, WireWriter out) {
        out.putInt(s.rank()).putInt(s.worldSize()).putInt(s.localExperts()).putInt(s.modelDim()).putInt(s.hiddenDim());
        RoutingOptions r = s.routing();
        out.putInt(r.topK());
        writeNullableDouble(r.capacityFactor(), out);
        writeNullableDouble(r.evalCapacityFactor(), out);
        out.putInt(r.minCapacity()).putBoolean(r.fixedCapacity() != null).putInt(r.fixedCapacity() == null ? 0 : r.fixedCapacity())
                .putBoolean(r.dropless()).putByte(r.noise().ordinal()).putFloat(r.jitterEps()).putFloat(r.auxLossWeight())
                .putBoolean(r.auxLossScaleBySquaredExperts()).putFloat(r.zLossWeight()).putBoolean(r.randomTokenPriority())
                .putBoolean(r.normalizeWeights()).putByte(r.score().ordinal()).putFloat(r.routeScale()).putBoolean(r.normTopK())
                .putInt(r.groups()).putInt(r.topkGroups()).putFloat(r.biasUpdateRate()).putByte(r.aux().ordinal())
                .putByte(r.kind().ordinal());
        out.putLong(s.seed()).putString(s.optimizer().kind()).putDouble(s.optimizer().learningRate()).putDouble(s.optimizer().momentum());
        out.putLong(s.gatherDeadline().toMillis()).putInt(s.maxStepsAhead()).putString(s.matmul());
        s.exchange().writeTo(out);
        out.putInt(s.sharedExperts()).putInt(s.sharedHiddenDim()).putByte(s.precision().ordinal()).putInt(s.tokensPerStep());
        out.putInt(s.placement().redundant()).putInts(s.placement().slotExperts());
    }

    static RankSettings read(WireReader in) {
        try {
            int rank = in.getInt(), world = in.getInt(), local = in.getInt(), m = in.getInt(), h = in.getInt();
            int topK = in.getInt();
            Double cf = readNullableDouble(in), evalCf = readNullableDouble(in);
            int minCapacity = in.getInt();
            boolean hasFixed = in.getBoolean();
            int fixed = in.getInt();
            boolean dropless = in.getBoolean();
            int noise = in.getByte();
            if (noise < 0 || noise >= NoisePolicy.values().length) throw new WireFormatException("unknown noise policy " + noise);
            NoisePolicy noisePolicy = NoisePolicy.values()[noise];
            float jitter = in.getFloat(), auxWeight = in.getFloat();
            boolean e2 = in.getBoolean();
            float zWeight = in.getFloat();
            boolean priority = in.getBoolean(), normalize = in.getBoolean();
            ScoreFunction score = enumAt(ScoreFunction.values(), in.getByte(), "score function");
            float routeScale = in.getFloat();
            boolean normTopK = in.getBoolean();
            int groups = in.getInt(), keptGroups = in.getInt();
            float gamma = in.getFloat();
            AuxLoss aux = enumAt(AuxLoss.values(), in.getByte(), "aux loss");
            RoutingKind kind = enumAt(RoutingKind.values(), in.getByte(), "routing kind");
            RoutingOptions routing = new RoutingOptions(topK, cf, evalCf, minCapacity, hasFixed ? fixed : null, dropless,
                    noisePolicy, jitter, auxWeight, e2, zWeight, priority, normalize, score, routeScale, normTopK, groups,
                    keptGroups, gamma, aux, kind);
            long seed = in.getLong();
            OptimizerSpec optimizer = new OptimizerSpec(in.getString(), in.getDouble(), in.getDouble());
            Duration deadline = Duration.ofMillis(in.getLong());
            int ahead = in.getInt();
            String matmul = in.getString();
            ExchangeSettings exchange = ExchangeSettings.readFrom(in);
            int shared = in.getInt(), sharedHidden = in.getInt();
            Precision precision = enumAt(Precision.values(), in.getByte(), "precision");
            int tokens = in.getInt();
            int redundant = in.getInt();
            Placement placement = new Placement(world, local, redundant, in.getInts()); // checks the count and every id
            return new RankSettings(rank, world, local, m, h, routing, seed, optimizer, deadline, ahead, matmul, exchange, shared,
                    sharedHidden, precision, tokens, placement);
        } catch (IllegalArgumentException | ArithmeticException e) { // a hostile R overflows the slot count
            throw new WireFormatException("bad rank settings: " + e.getMessage());
        }
    }

    private static <E extends Enum<E>> E enumAt(E[] values, int ordinal, String what) {
        if (ordinal < 0 || ordinal >= values.length) throw new WireFormatException("unknown " + what + " " + ordinal);
        return values[ordinal];
    }

    private static void writeNullableDouble(Double d, WireWriter out) {
        out.putBoolean(d != null).putDouble(d == null ? 0 : d);
    }

    private static Double readNullableDouble(WireReader in) {
        boolean present = in.getBoolean();
        double v = in.getDouble();
        return present ? v : null;
    }
}
