package switchyard.actors.rank;

import akka.actor.typed.ActorRef;
import switchyard.actors.protocol.ExchangePart;
import switchyard.actors.protocol.Phase;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;

/**
 * What a message to a rank is about, so that a failure to handle it can be answered to whoever
 * waits on it: the step it names (-1: none), the phase a step it asked for would fail in (null:
 * it asked for no step), and who asked (null: no one; the driver hears it).
 */
record MessageSubject(long step, Phase phase, ActorRef<RankReply> asker) {
    private static final MessageSubject NONE = new MessageSubject(-1, null, null);

    static MessageSubject of(RankInbox m) {
        if (m instanceof RankMessage.RunStep r) return new MessageSubject(r.step(), Phase.ROUTE, r.replyTo());
        if (m instanceof RankMessage.ApplyUpdate u)
            return new MessageSubject(u.steps().length > 0 ? u.steps()[0] : -1, Phase.UPDATE, u.replyTo());
        if (m instanceof ExchangePart p) return new MessageSubject(p.step(), null, null);
        if (m instanceof RankMessage.AbortStep a) return new MessageSubject(a.step(), null, null);
        if (m instanceof RankMessage.InspectGradients g) return new MessageSubject(g.step(), null, g.replyTo());
        if (m instanceof RankMessage.ReportDigest d) return new MessageSubject(-1, null, d.replyTo());
        if (m instanceof RankMessage.LoadParameters l) return new MessageSubject(-1, null, l.replyTo());
        if (m instanceof RankMessage.SaveCheckpoint s) return new MessageSubject(-1, null, s.replyTo());
        if (m instanceof RankMessage.RestoreCheckpoint r) return new MessageSubject(-1, null, r.replyTo());
        if (m instanceof Internal.Routed r) return new MessageSubject(r.step(), null, null);
        if (m instanceof Internal.GateBackwardDone g) return new MessageSubject(g.step(), null, null);
        if (m instanceof Internal.PhaseDeadline d) return new MessageSubject(d.step(), null, null);
        return NONE;
    }
}
