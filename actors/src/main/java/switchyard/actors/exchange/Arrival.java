package switchyard.actors.exchange;

/**
 * What one arriving exchange part did to its gather ({@link AllToAll#take}): refused (with why),
 * or taken, completing nothing, its sender's block, or the last block of the exchange.
 */
public record Arrival(Kind kind, String refusal) {
    public enum Kind { REFUSED, PART, BLOCK, ALL }

    static final Arrival PART = new Arrival(Kind.PART, null);
    static final Arrival BLOCK = new Arrival(Kind.BLOCK, null);
    static final Arrival ALL = new Arrival(Kind.ALL, null);

    static Arrival refused(String why) {
        return new Arrival(Kind.REFUSED, why);
    }

    public boolean refused() {
        return kind == Kind.REFUSED;
    }

    /** Whether the sender's block is now complete (and possibly the whole exchange). */
    public boolean blockComplete() {
        return kind == Kind.BLOCK || kind == Kind.ALL;
    }

    /** Whether every sender's block is now in. */
    public boolean allComplete() {
        return kind == Kind.ALL;
    }
}
