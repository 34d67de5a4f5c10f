package switchyard.math.placement;

/** One physical expert slot: slot {@code localSlot} of rank {@code rank}. */
public record Slot(int rank, int localSlot) {
    public Slot {
        if (rank < 0 || localSlot < 0)
            throw new IllegalArgumentException("a slot has a rank and a local slot >= 0, got (" + rank + ", " + localSlot + ")");
    }

    @Override
    public String toString() { return "(" + rank + ", " + localSlot + ")"; }
}
