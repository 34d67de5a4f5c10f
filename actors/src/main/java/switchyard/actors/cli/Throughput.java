package switchyard.actors.cli;

import switchyard.actors.bench.LayerBench;

import java.util.Comparator;
import java.util.List;

/**
 * One measured configuration: forward and forward+backward tokens/s, bytes allocated per token per
 * step and, for the actor layer, its products during forward+backward next to the same shapes run
 * alone (else null and 0), and the float32 rate the AMX tiles allowed right after the run, on
 * every core (NaN when not measured).
 */
record Throughput(double forward, double fwdBwd, double forwardAlloc, double fwdBwdAlloc,
                  LayerBench.Gemm gemm, double isolatedGflops, double amxCeilingAfter) {

    /**
     * What {@code runs} of one configuration report together: the median of each throughput, the
     * most any run allocated, and the product and ceiling figures of the run whose forward+backward is the
     * median one (the lower of the middle two for an even count), so that they describe a run that
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
                middle.gemm(), middle.isolatedGflops(), middle.amxCeilingAfter());
    }
}
