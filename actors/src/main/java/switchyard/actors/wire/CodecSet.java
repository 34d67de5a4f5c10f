package switchyard.actors.wire;

/**
 * The codecs of one package's messages. A package that owns messages which cross nodes has one
 * implementation (public, with a no-argument constructor) and lists it under
 * {@code switchyard.wire.codec-sets} in its configuration; {@code wire} itself knows none of them,
 * so no package below the messages depends on the packages above.
 */
public interface CodecSet {
    void registerIn(CodecRegistry registry);
}
