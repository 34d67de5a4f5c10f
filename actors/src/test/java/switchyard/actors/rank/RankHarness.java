package switchyard.actors.rank;

import switchyard.actors.protocol.RankMessage;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Exchange;
import switchyard.actors.protocol.ExchangePart;
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
    public final List<ActorRef<RankMessage>> ranks = new ArrayList<>();
    public final TestProbe<RankReply> driver;
    private final ActorTestKit kit;

    public RankHarness(ActorTestKit kit, RankSettings settings, IntFunction<ActorRef<RankMessage>> stubs) {
        this.kit = kit;
        this.driver = kit.createTestProbe(RankReply.class);
        for (int r = 0; r < settings.worldSize(); r++) {
            ActorRef<RankMessage> stub = stubs == null ? null : stubs.apply(r);
            ranks.add(stub != null ? stub : RankActor.narrow(kit.spawn(RankActor.create(settings.forRank(r)),
                    DispatcherSelector.fromConfig("switchyard.compute-dispatcher"))));
        }
        for (ActorRef<RankMessage> r : ranks) r.tell(new RankMessage.Roster(ranks, driver.getRef()));
    }

    public RankHarness(ActorTestKit kit, RankSettings settings) {
        this(kit, settings, null);
    }

    /** Starts {@code step} on every real rank with the batch {@code batches.apply(rank)}. */
    public void start(long step, IntFunction<Batch> batches, boolean training, boolean tensors) {
        for (int r = 0; r < ranks.size(); r++) {
            ranks.get(r).tell(new RankMessage.RunStep(step, batches.apply(r), training, tensors, driver.getRef()));
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

    /** The next message {@code probe} gets, which must be a part of {@code exchange}. */
    public static ExchangePart expectPart(TestProbe<RankMessage> probe, Exchange exchange, Duration max) {
        RankMessage m = probe.expectMessageClass(RankMessage.class, max);
        if (!(m instanceof ExchangePart p) || p.exchange() != exchange)
            throw new AssertionError("expected a " + exchange.label() + " part, got " + m);
        return p;
    }

    /** A block of uniform random rows in (-1, 1) with the given rows per expert. */
    public static ExpertRows randomRows(SplittableRandom random, int[] counts, int dim) {
        int n = 0;
        for (int c : counts) n += c;
        FMatrixRMaj m = new FMatrixRMaj(n, dim);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) (random.nextDouble() * 2 - 1);
        return new ExpertRows(m, counts.clone());
    }
}
