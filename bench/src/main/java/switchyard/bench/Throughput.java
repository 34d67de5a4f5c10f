package switchyard.bench;

import switchyard.bench.layer.LayerBench;
import switchyard.actors.report.PhaseTimes;

import java.util.Comparator;
import java.util.List;

/**
 * One measured configuration: forward and forward+backward tokens/s, bytes allocated per token per
 * step, and for the actor layer its own figures (else null).
 */
record Throughput(double forward, double fwdBwd, double forwardAlloc, double fwdBwdAlloc, Layer layer) {

    /**
     * The actor layer's figures of one run: its products during forward+backward next to the same
     * shapes run alone, the float32 rate the AMX tiles allowed right after the run on every core
     * (NaN when not measured), and where the steps' time went.
     */
    record Layer(LayerBench.Gemm gemm, double isolatedGflops, double amxCeilingAfter,
                 PhaseTimes forwardPhases, PhaseTimes fwdBwdPhases) {}

    /**
     * What {@code runs} of one configuration report together: the median of each throughput, the
     * most any run allocated, and the layer figures of the run whose forward+backward is the median
     * one (the lower of the middle two for an even count), so that they describe a run that
     * happened.
     */
    static Throughput medianOf(List<Throughput> runs) {
        if (runs.isEmpty()) throw new IllegalArgumentException("no runs to summarise");
        Throughput middle = runs.stream().sorted(Comparator.comparingDouble(Throughput::fwdBwd)).toList().get((runs.size() - 1) / 2);
        return new Throughput(
                RunFigures.median(runs, Throughput::forward),
                RunFigures.median(runs, Throughput::fwdBwd),
                runs.stream().mapToDouble(Throughput::forwardAlloc).max().orElseThrow(),
                runs.stream().mapToDouble(Throughput::fwdBwdAlloc).max().orElseThrow(),
                middle.layer());
    }

    /**
     * This run's expert products in the layer over the same products run alone right after it;
     * NaN when not measured. Per run, since the tile unit may change state between two runs.
     */
    double gemmInLayerVsIsolated() {
        return layer == null ? Double.NaN : layer.gemm().gflopsWhileMultiplying() / layer.isolatedGflops();
    }

    /** The tile ceiling sampled after this run; NaN when not measured. */
    double amxCeilingAfter() {
        return layer == null ? Double.NaN : layer.amxCeilingAfter();
    }
}
