package dev.flotilla.kv;

import com.google.protobuf.ByteString;
import java.util.List;

/** A lease as a range stores it: its id, the TTL it was granted with, and the keys attached to it, in key order. */
public record StoredLease(long id, long grantedTtlSeconds, List<ByteString> keys) {
    public StoredLease {
        keys = List.copyOf(keys);
    }
}
