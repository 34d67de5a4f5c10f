package switchyard.actors.transport;

import akka.actor.Address;
import akka.actor.NoSerializationVerificationNeeded;

/**
 * Published on the actor system's event stream when a data-plane connection with {@code node}
 * breaks or cannot be made: messages to or from that node may have been lost, so whoever waits
 * for them should fail now instead of at a deadline. Local only, never sent.
 */
public record LinkFailed(Address node, String reason) implements NoSerializationVerificationNeeded {}
