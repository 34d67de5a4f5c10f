package switchyard.actors.wire;

/** Bytes that do not decode: truncated, a length out of bounds, an unknown manifest or tag. */
public final class WireFormatException extends RuntimeException {
    public WireFormatException(String message) {
        super(message);
    }
}
