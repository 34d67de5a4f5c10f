package switchyard.actors.sim;

import akka.actor.typed.ActorSystem;
import switchyard.actors.driver.RunListener;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a job from outside the actor system, with a limit, and shutting the system down after. */
public final class Jobs {
    private Jobs() {}

    public static RunListener.Outcome await(ActorSystem<?> system, CompletableFuture<RunListener.Outcome> outcome, Duration timeout) {
        long t0 = System.nanoTime();
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return failed("the run did not finish within " + BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString() + " s", t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted", t0);
        } catch (ExecutionException e) {
            return failed(String.valueOf(e.getCause()), t0);
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // shutting down anyway; nothing is left to lose
            }
        }
    }

    private static RunListener.Outcome failed(String reason, long t0) {
        return new RunListener.Outcome(List.of(), null, reason, System.nanoTime() - t0);
    }
}
