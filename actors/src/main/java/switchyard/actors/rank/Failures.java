package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import org.slf4j.Logger;
import switchyard.actors.exchange.AllToAll;
import switchyard.actors.exchange.PartGather;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.transport.LinkFailed;

import java.time.Duration;
import java.util.Arrays;

/**
 * How a rank answers what goes wrong, always naming the rank, the step and the phase: a step that
 * cannot finish fails ({@link RankReply.StepFailed} to whoever asked, and the step retires), and a
 * message that belongs to no step this rank can serve is rejected ({@link RankReply.Rejected} to
 * the driver). Both are logged, and the rank carries on.
 */
final class Failures {
    private final int rank;
    private final StepTable steps;
    private final Logger log;
    private ActorRef<RankReply> driver;

    Failures(int rank, StepTable steps, Logger log) {
        this.rank = rank;
        this.steps = steps;
        this.log = log;
    }

    /** Who hears rejections, and failures of steps no {@code RunStep} has asked for yet. */
    void driverIs(ActorRef<RankReply> driver) {
        this.driver = driver;
    }

    void fail(StepState state, Phase phase, int[] missing, String reason) {
        log.warn("{}", answerFailure(state, phase, missing, reason));
    }

    /** Fails the step without logging (the caller has); returns the failure sent. */
    private RankReply.StepFailed answerFailure(StepState state, Phase phase, int[] missing, String reason) {
        RankReply.StepFailed failed = new RankReply.StepFailed(state.step, rank, phase, missing, reason);
        ActorRef<RankReply> to = state.tokens.started() ? state.tokens.request.replyTo() : driver;
        if (to != null) to.tell(failed);
        steps.retire(state.step);
        return failed;
    }

    /**
     * Handling {@code m} threw ({@link MessageGuard}): a bug, or input no check foresaw. Logged once,
     * with the stack; the step in flight that {@code m} names fails, and otherwise whoever asked (or
     * the driver) hears why the message got no answer. The rank carries on.
     */
    void unexpected(RankInbox m, RuntimeException e) {
        MessageSubject about = MessageSubject.of(m);
        String reason = "rank " + rank + " failed handling a " + m.getClass().getSimpleName()
                + (about.step() >= 0 ? " for step " + about.step() : "") + ": " + e;
        log.error("{}", reason, e);
        StepState state = about.step() >= 0 ? steps.get(about.step()) : null;
        if (state != null) {
            answerFailure(state, state.waitingPhase(), new int[0], reason);
            return;
        }
        ActorRef<RankReply> to = about.asker() != null ? about.asker() : driver;
        if (to == null) return;
        to.tell(about.phase() != null && about.step() >= 0
                ? new RankReply.StepFailed(about.step(), rank, about.phase(), new int[0], reason)
                : new RankReply.Rejected(about.step(), rank, reason));
    }

    void reject(long step, String reason) {
        log.warn("rank {} rejected a message: {}", rank, reason);
        if (driver != null) driver.tell(new RankReply.Rejected(step, rank, reason));
    }

    /** A gather of {@code step} waited out its deadline: the step fails, naming the ranks it still waits for. */
    void deadlinePassed(long step, Phase phase, Duration deadline) {
        StepState state = steps.get(step);
        if (state == null) return;
        PartGather gather = state.gatherOf(phase);
        int[] missing = gather != null ? gather.missing() : new int[] {rank};
        fail(state, phase, missing, "no answer within the " + deadline.toMillis() + " ms deadline");
    }

    /** Every step in flight exchanges with every rank, so losing a link with any rank's node fails them all. */
    void linkFailed(LinkFailed e, AllToAll allToAll) {
        int[] lost = allToAll.ranksOn(e.node());
        if (lost.length == 0) return;
        String reason = "lost the data-plane link with " + (lost.length == 1 ? "rank " : "ranks ")
                + Arrays.toString(lost).replaceAll("[\\[\\]]", "") + " on node " + e.node() + ": " + e.reason();
        for (StepState state : steps.inFlight()) fail(state, state.waitingPhase(), lost, reason);
    }
}
