package dev.flotilla.runtime.impl;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A read-only live view of the union of sets that share no element (the groups of each driver thread): no copying, so
 * it is as cheap to hand out as one loop's own set. Thread-safe when the parts are.
 */
final class UnionOfDisjointSets extends AbstractSet<Long> {
    private final List<Set<Long>> parts;

    UnionOfDisjointSets(List<Set<Long>> parts) {
        this.parts = List.copyOf(parts);
    }

    @Override
    public boolean contains(Object o) {
        for (Set<Long> part : parts) {
            if (part.contains(o)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        int size = 0;
        for (Set<Long> part : parts) {
            size += part.size();
        }
        return size;
    }

    @Override
    public Iterator<Long> iterator() {
        return parts.stream().flatMap(Set::stream).iterator();
    }
}
