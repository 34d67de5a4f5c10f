package switchyard.actors.rank;

import akka.actor.typed.Behavior;
import akka.actor.typed.Signal;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import org.slf4j.Logger;

import java.util.function.BiConsumer;

/**
 * The boundary of a long-lived actor (a rank, its gate, a rank slot, the cluster driver): no
 * message, however malformed, stops it. A {@link RuntimeException} thrown while one message is
 * handled (a check nobody wrote, a {@code NegativeArraySizeException}, an
 * {@code ArithmeticException}) goes to the actor's own handler, which logs it once and answers
 * what the message was about, and the actor carries on with its state. Errors are not caught: an
 * {@code OutOfMemoryError} is made impossible by the bounds checked before allocating, and a
 * JVM that has one anyway should not limp on.
 *
 * <p>Why a try/catch around the receive and not {@code Behaviors.supervise(..).onFailure(
 * SupervisorStrategy.resume())}: resume would keep the state too, but the supervisor sees only
 * the exception, not the message, so it could not fail the step the message belonged to, and the
 * run would wait for the step's deadline. Restart is never an option for a rank: it would lose the
 * parameters it trained.
 */
public final class MessageGuard {
    private MessageGuard() {}

    /**
     * {@code receive}, with a {@link RuntimeException} from handling a message given to
     * {@code onFailure} (message and exception) instead of stopping the actor. Should the handler
     * itself throw, that is logged to {@code log} and the actor still carries on.
     */
    public static <T> Receive<T> around(Receive<T> receive, BiConsumer<T, RuntimeException> onFailure, Logger log) {
        return new Receive<>() {
            @Override
            public Behavior<T> receiveMessage(T message) throws Exception {
                try {
                    return receive.receiveMessage(message);
                } catch (RuntimeException e) {
                    try {
                        onFailure.accept(message, e);
                    } catch (RuntimeException second) {
                        second.addSuppressed(e);
                        log.error("answering the failure to handle a {} failed too", message.getClass().getSimpleName(), second);
                    }
                    return Behaviors.same();
                }
            }

            @Override
            public Behavior<T> receiveSignal(Signal signal) throws Exception {
                return receive.receiveSignal(signal);
            }
        };
    }
}
