package switchyard.math.reference;

/**
 * One rank's routing decisions (README steps 3–7). Integer data must be matched exactly.
 *
 * @param expert1           [S] first choice, recorded even when dropped
 * @param expert2           [S] second choice, recorded even when dropped
 * @param slot1             [S] slot in expert1's buffer from this rank, -1 when dropped
 * @param slot2             [S] likewise for expert2
 * @param gate1             [S] normalised combine weight of choice 1, 0 when dropped
 * @param gate2             [S] likewise for choice 2
 * @param firstChoiceCounts [E] {@code count1}, before capacity is applied
 * @param me                [E] mean gate probability per expert
 * @param ce                [E] fraction of first choices per expert
 */
public record Routing(int[] expert1, int[] expert2, int[] slot1, int[] slot2, double[] gate1, double[] gate2,
                      int[] firstChoiceCounts, double[] me, double[] ce) {

    public Routing {
        expert1 = Copies.of(expert1);
        expert2 = Copies.of(expert2);
        slot1 = Copies.of(slot1);
        slot2 = Copies.of(slot2);
        gate1 = Copies.of(gate1);
        gate2 = Copies.of(gate2);
        firstChoiceCounts = Copies.of(firstChoiceCounts);
        me = Copies.of(me);
        ce = Copies.of(ce);
    }

    @Override
    public int[] expert1() {
        return Copies.of(expert1);
    }

    @Override
    public int[] expert2() {
        return Copies.of(expert2);
    }

    @Override
    public int[] slot1() {
        return Copies.of(slot1);
    }

    @Override
    public int[] slot2() {
        return Copies.of(slot2);
    }

    @Override
    public double[] gate1() {
        return Copies.of(gate1);
    }

    @Override
    public double[] gate2() {
        return Copies.of(gate2);
    }

    @Override
    public int[] firstChoiceCounts() {
        return Copies.of(firstChoiceCounts);
    }

    @Override
    public double[] me() {
        return Copies.of(me);
    }

    @Override
    public double[] ce() {
        return Copies.of(ce);
    }
}
