package dev.flotilla.log.impl;

/**
 * The byte budget shared by every group's {@link EntryRing}. Entries leave in the order they came in (oldest appends
 * first), so the groups that are being replicated right now keep their tails in memory. Used only by the writer.
 */
final class EntryCache {
    private final long budgetBytes;
    /** A ring of (group, last index it cached), oldest first; two arrays so that admitting allocates nothing. */
    private GroupIndex[] groups = new GroupIndex[1024];

    private long[] lastIndexes = new long[1024];
    private int head;
    private int size;
    private long bytes;

    EntryCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    boolean enabled() {
        return budgetBytes > 0;
    }

    long bytes() {
        return bytes;
    }

    /** Records that {@code group} cached entries up to {@code lastIndex}, costing {@code cost}; evicts to fit. */
    void admitted(GroupIndex group, long lastIndex, long cost) {
        bytes += cost;
        if (size == groups.length) {
            grow();
        }
        int tail = (head + size++) % groups.length;
        groups[tail] = group;
        lastIndexes[tail] = lastIndex;
        while (bytes > budgetBytes && size > 0) {
            GroupIndex oldest = groups[head];
            groups[head] = null;
            bytes -= oldest.evictCachedThrough(lastIndexes[head]);
            head = (head + 1) % groups.length;
            size--;
        }
    }

    private void grow() {
        GroupIndex[] biggerGroups = new GroupIndex[groups.length * 2];
        long[] biggerIndexes = new long[groups.length * 2];
        for (int i = 0; i < size; i++) {
            biggerGroups[i] = groups[(head + i) % groups.length];
            biggerIndexes[i] = lastIndexes[(head + i) % groups.length];
        }
        groups = biggerGroups;
        lastIndexes = biggerIndexes;
        head = 0;
    }

    void released(long cost) {
        bytes -= cost;
    }
}
