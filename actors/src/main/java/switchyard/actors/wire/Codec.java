package switchyard.actors.wire;

/** Writes and reads one message or value type in the binary format. */
public interface Codec<T> {
    void write(T value, WireWriter out, Refs refs);

    T read(WireReader in, Refs refs);
}
