package switchyard.actors.protocol;

/**
 * Everything a rank actor's mailbox takes: the {@link RankMessage}s other actors send it, and the
 * notes it gets from its own gate actor, timers and workers (package {@code rank}), which never
 * leave its JVM. Others only ever hold an {@code ActorRef<RankMessage>}.
 */
public interface RankInbox {}
