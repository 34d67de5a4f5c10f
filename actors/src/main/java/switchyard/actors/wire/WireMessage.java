package switchyard.actors.wire;

/**
 * Marker for every message that may cross nodes. Bound to {@link MoeSerializer} in
 * {@code reference.conf}; nothing else is ever serialized (Java serialization stays off).
 */
public interface WireMessage {}
