package switchyard.actors.network;

/** Which link joins two ranks. */
public sealed interface Topology {

    LinkSpec link(int src, int dst);

    /** Every pair of ranks is joined by the same kind of link. */
    record Flat(LinkSpec link) implements Topology {
        @Override
        public LinkSpec link(int src, int dst) { return link; }

        @Override
        public String toString() { return "flat, " + link; }
    }

    /**
     * Ranks {@code g·G … g·G+G-1} form group g (a node, say, with G GPUs); links inside a group are
     * {@code intra}, links between groups {@code inter}.
     */
    record TwoLevel(int groupSize, LinkSpec intra, LinkSpec inter) implements Topology {
        public TwoLevel {
            if (groupSize < 1) throw new IllegalArgumentException("2level group size must be >= 1, got " + groupSize);
        }

        @Override
        public LinkSpec link(int src, int dst) {
            return src / groupSize == dst / groupSize ? intra : inter;
        }

        @Override
        public String toString() {
            return "2level groups of " + groupSize + ": inside " + intra + "; between " + inter;
        }
    }
}
