package switchyard.actors.transport;

import java.util.Locale;

/**
 * How exchange parts travel between node JVMs. Control messages always go through Akka (Artery);
 * only the tensor payloads have a choice. Inside one JVM both are a plain {@code tell}.
 */
public enum Transport {
    /** Akka Artery's large-message lane: drops on a full queue, so exchanges need the credit window. */
    ARTERY,
    /** Switchyard's own TCP connections between nodes ({@link DataPlane}). */
    DATA_PLANE;

    /** The configuration spelling: {@code artery} or {@code data-plane}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Transport parse(String text) {
        for (Transport t : values()) if (t.configName().equals(text)) return t;
        throw new IllegalArgumentException("exchange transport must be artery or data-plane, got '" + text + "'");
    }
}
