package switchyard.actors.sim;

import switchyard.actors.driver.RunListener;
import switchyard.actors.driver.StepMetrics;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.protocol.StepReport;
import switchyard.actors.protocol.ExchangePart;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.Routing;
import switchyard.math.layer.ModelInit;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.task.ClusteredRegression;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * {@code simulate --routing-only}: every rank's gate, capacity and traffic accounting in a plain
 * loop, without actors and without experts, so that routing and traffic can be studied for hundreds
 * of ranks on a laptop. Ranks route exactly as a rank actor would at the same step with the
 * initial gate (same tokens, same noise, same capacity), and the traffic of the four exchanges is
 * what the actors would send: per (source, owner) the rows routed to the owner's experts, in bytes
 * {@link ExchangePart#wireBytes(int, long, int, switchyard.actors.protocol.RowEncoding)}. Nothing is trained: the gate keeps its initial weight,
 * and the loss is the router loss alone. The selection bias, which learns without gradients, does
 * move after every update as in training (every rank's selections summed), so its balancing can
 * be studied at any scale.
 *
 * <p>With a {@link PlacementOptions placement}, the rows a source keeps for an expert go to the
 * expert's replicas as {@link PlacedRouting} splits them, so the traffic, the network estimate and
 * {@code rank_load_imbalance} are those the placement produces. The experts are not run; an
 * {@link ExpertComputeEstimate} can stand in for their time, from the rows each rank receives.
 */
public final class RoutingOnly {
    private RoutingOnly() {}

    /** What routing one rank's tokens leaves behind; the routing itself (S×E floats) is dropped at once. */
    private record RankRouting(StepReport report, int[] rowsToOwner) {}

    /** With the static map and no expert estimate: the traffic and estimates routing-only runs always had. */
    public static RunListener.Outcome run(SimulationOptions o, int threads, Consumer<StepMetrics> onStep) {
        return run(o, threads, PlacementOptions.staticMap(), ExpertComputeEstimate.none(), null, onStep);
    }

    /**
     * @param threads     ranks routed at once
     * @param placement   where the experts live and how they are re-planned
     * @param experts     the experts' estimated time per received row
     * @param onPlacement told of the first placement and of every re-plan, before the update it applies to; may be null
     */
    public static RunListener.Outcome run(SimulationOptions o, int threads, PlacementOptions placement, ExpertComputeEstimate experts,
                                          Consumer<PlacedRouting.Change> onPlacement, Consumer<StepMetrics> onStep) {
        return run(o, threads, new PlacedRouting(placement, o.worldSize(), o.localExperts()), experts, onPlacement, onStep);
    }

    /** The same from a placement already made (the command's, or a hand-built one in tests). */
    public static RunListener.Outcome run(SimulationOptions o, int threads, PlacedRouting placed, ExpertComputeEstimate experts,
                                   Consumer<PlacedRouting.Change> onPlacement, Consumer<StepMetrics> onStep) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        // ranks already run in parallel: "best" would give each rank a kernel on every core as well and
        // oversubscribe them, which is slower than one thread per rank
        String kernel = o.matmul().equalsIgnoreCase("best") ? "vector" : o.matmul();
        MatMuls.byName(kernel); // a bad kernel name fails before any work
        ThreadLocal<MatMul> mm = ThreadLocal.withInitial(() -> MatMuls.byName(kernel));
        Gate gate = new Gate(ModelInit.gateWeight(o.seed(), o.modelDim(), o.experts()), o.routing());
        ClusteredRegression task = new ClusteredRegression(o.task());
        if (placed.placement().ranks() != o.worldSize() || placed.placement().localExperts() != o.localExperts())
            throw new IllegalArgumentException("a placement of W=" + placed.placement().ranks() + " L=" + placed.placement().localExperts()
                    + " for a job of W=" + o.worldSize() + " L=" + o.localExperts());
        if (onPlacement != null) onPlacement.accept(placed.initial());
        List<StepMetrics> steps = new ArrayList<>();
        long t0 = System.nanoTime();
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            for (int update = 0; update < o.steps(); update++) {
                long started = System.nanoTime();
                List<RankReply.StepDone> done = new ArrayList<>();
                for (int micro = 0; micro < o.microBatches(); micro++) {
                    long step = (long) update * o.microBatches() + micro;
                    RankRouting[] ranks = pool.submit(() -> IntStream.range(0, o.worldSize()).parallel()
                            .mapToObj(r -> route(o, gate, task, mm.get(), placed, r, step))
                            .toArray(RankRouting[]::new)).get();
                    done.addAll(replies(o, placed.placement().slotsPerRank(), experts, step, ranks));
                }
                StepMetrics m = StepMetrics.of(update, placed.placement(), done, System.nanoTime() - started);
                if (gate.selectionBias() != null) gate.updateSelectionBias(m.balance().selections());
                steps.add(m);
                if (onStep != null) onStep.accept(m);
                PlacedRouting.Change replan = placed.afterUpdate(update, m.tokensPerExpert(), update + 1 < o.steps());
                if (replan != null && onPlacement != null) onPlacement.accept(replan);
            }
            return new RunListener.Outcome(List.copyOf(steps), null, null, System.nanoTime() - t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunListener.Outcome(List.copyOf(steps), null, "interrupted", System.nanoTime() - t0);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) throw bad;
            return new RunListener.Outcome(List.copyOf(steps), null, String.valueOf(e.getCause()), System.nanoTime() - t0);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Rank r's side of step t: route its tokens and count the rows for every owner, as the token side
     * of a rank does; the owners are the ranks of the experts' replicas under the placement.
     */
    private static RankRouting route(SimulationOptions o, Gate gate, ClusteredRegression task, MatMul mm, PlacedRouting placed,
                                     int rank, long step) {
        var input = task.inputs(rank, step);
        long t0 = System.nanoTime();
        Routing routing = gate.route(input, GateNoise.seeded(o.seed(), rank, step), true, mm);
        long[] nanos = new long[Phase.values().length];
        nanos[Phase.ROUTE.ordinal()] = System.nanoTime() - t0;
        int[][] rows = new int[StepReport.EXCHANGES][o.worldSize()];
        long[][] bytes = new long[StepReport.EXCHANGES][o.worldSize()];
        StepReport report = StepReport.of(routing, 0, rows, bytes, nanos);
        return new RankRouting(report, placed.rowsToRanks(rank, report.tokensPerExpert()));
    }

    /**
     * Fills in each rank's traffic: as a source it sends its rows to every owner (dispatch, then the
     * output gradients on the same route); as an owner it answers every source with as many rows as
     * that source sent it (expert outputs, then the input gradients). A block's header counts rows
     * per slot of the owner, {@code slots} of them ({@code L + R}). The experts' estimated time goes
     * into the expert phases of the rank that received the rows.
     */
    private static List<RankReply.StepDone> replies(SimulationOptions o, int slots, ExpertComputeEstimate experts, long step,
                                                    RankRouting[] ranks) {
        List<RankReply.StepDone> done = new ArrayList<>(ranks.length);
        for (int r = 0; r < ranks.length; r++) {
            StepReport report = ranks[r].report();
            long received = 0;
            for (int peer = 0; peer < ranks.length; peer++) {
                int out = ranks[r].rowsToOwner()[peer];
                int back = ranks[peer].rowsToOwner()[r];
                received += back;
                set(o, slots, report, Exchange.DISPATCH, peer, out);
                set(o, slots, report, Exchange.OUTPUT_GRAD, peer, out);
                set(o, slots, report, Exchange.EXPERT_OUTPUT, peer, back);
                set(o, slots, report, Exchange.INPUT_GRAD, peer, back);
            }
            report.phaseNanos()[Phase.EXPERT_FORWARD.ordinal()] += experts.forwardNanos(received);
            report.phaseNanos()[Phase.EXPERT_BACKWARD.ordinal()] += experts.backwardNanos(received);
            done.add(new RankReply.StepDone(step, r, report, null, null));
        }
        return done;
    }

    private static void set(SimulationOptions o, int slots, StepReport report, Exchange x, int to, int rows) {
        report.rowsSent()[x.ordinal()][to] = rows;
        report.bytesSent()[x.ordinal()][to] = ExchangePart.wireBytes(slots, rows, o.modelDim(), o.exchange().rows());
    }
}
