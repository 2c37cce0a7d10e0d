package dev.flotilla.chaos;

/** The direction from one node to another: what a partition cuts. */
public record Link(int from, int to) {
    public Link {
        if (from == to) {
            throw new IllegalArgumentException("a link joins two different nodes, not " + from + " to itself");
        }
    }
}
