package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.RankReply;
import switchyard.math.dispatch.ExpertRows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * W real rank actors in one test kit, wired to each other, with a probe as their driver.
 * Ranks named in {@code stubs} are not spawned: the given refs (probes) stand in their place.
 */
public final class RankHarness {
    public final List<ActorRef<RankActor.Command>> ranks = new ArrayList<>();
    public final TestProbe<RankReply> driver;
    private final ActorTestKit kit;

    public RankHarness(ActorTestKit kit, RankSettings settings, IntFunction<ActorRef<RankActor.Command>> stubs) {
        this.kit = kit;
        this.driver = kit.createTestProbe(RankReply.class);
        for (int r = 0; r < settings.worldSize(); r++) {
            ActorRef<RankActor.Command> stub = stubs == null ? null : stubs.apply(r);
            ranks.add(stub != null ? stub : kit.spawn(RankActor.create(settings.forRank(r)),
                    DispatcherSelector.fromConfig("switchyard.compute-dispatcher")));
        }
        for (ActorRef<RankActor.Command> r : ranks) r.tell(new RankActor.Topology(ranks, driver.getRef()));
    }

    public RankHarness(ActorTestKit kit, RankSettings settings) {
        this(kit, settings, null);
    }

    /** Starts {@code step} on every real rank with the batch {@code batches.apply(rank)}. */
    public void start(long step, IntFunction<Batch> batches, boolean training, boolean tensors) {
        for (int r = 0; r < ranks.size(); r++) {
            ranks.get(r).tell(new RankActor.RunStep(step, batches.apply(r), training, tensors, driver.getRef()));
        }
    }

    /** Waits for one StepDone from each of {@code count} ranks and returns them by rank. */
    public RankReply.StepDone[] awaitDone(int count, Duration max) {
        RankReply.StepDone[] done = new RankReply.StepDone[ranks.size()];
        for (int i = 0; i < count; i++) {
            RankReply reply = driver.receiveMessage(max);
            if (!(reply instanceof RankReply.StepDone d)) throw new AssertionError("expected StepDone, got " + reply);
            done[d.rank()] = d;
        }
        return done;
    }

    public ActorTestKit kit() { return kit; }

    /** A block of uniform random rows in (-1, 1) with the given rows per expert. */
    public static ExpertRows randomRows(SplittableRandom random, int[] counts, int dim) {
        int n = 0;
        for (int c : counts) n += c;
        FMatrixRMaj m = new FMatrixRMaj(n, dim);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return new ExpertRows(m, counts.clone());
    }
}
