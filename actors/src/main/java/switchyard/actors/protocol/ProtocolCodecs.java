package switchyard.actors.protocol;

import switchyard.actors.wire.CodecRegistry;
import switchyard.actors.wire.CodecSet;

/** The codecs of the rank protocol: {@link RankMessage}s, {@link ExchangePart}s and {@link RankReply}s. */
public final class ProtocolCodecs implements CodecSet {
    @Override
    public void registerIn(CodecRegistry registry) {
        RankMessageCodecs.register(registry);
        ReplyCodecs.register(registry);
    }
}
