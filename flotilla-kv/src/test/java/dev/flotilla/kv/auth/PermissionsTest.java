package dev.flotilla.kv.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.authpb.Permission;
import dev.flotilla.kv.etcd.authpb.Permission.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class PermissionsTest {
    private static final String ALL = "\0";

    private static Permission perm(Type type, String key, String rangeEnd) {
        return Permission.newBuilder()
                .setPermType(type)
                .setKey(ByteString.copyFromUtf8(key))
                .setRangeEnd(ByteString.copyFromUtf8(rangeEnd))
                .build();
    }

    private static KeySpan span(String key, String rangeEnd) {
        return KeySpan.of(ByteString.copyFromUtf8(key), ByteString.copyFromUtf8(rangeEnd));
    }

    private static boolean covers(List<Permission> perms, Type type, String key, String rangeEnd) {
        return Permissions.covers(perms, type, span(key, rangeEnd));
    }

    @Test
    void aSingleKeyPermissionCoversThatKeyOnly() {
        List<Permission> perms = List.of(perm(Type.READ, "a", ""));
        assertTrue(covers(perms, Type.READ, "a", ""));
        assertFalse(covers(perms, Type.READ, "a\0", ""));
        assertFalse(covers(perms, Type.READ, "b", ""));
        assertFalse(covers(perms, Type.READ, "a", "b"), "a range from a is more than the key a");
    }

    @Test
    void aPrefixPermissionCoversItsKeysAndRangesInside() {
        List<Permission> perms = List.of(perm(Type.READWRITE, "fruit/", "fruit0"));
        assertTrue(covers(perms, Type.READ, "fruit/apple", ""));
        assertTrue(covers(perms, Type.WRITE, "fruit/", "fruit0"));
        assertTrue(covers(perms, Type.READ, "fruit/a", "fruit/c"));
        assertFalse(covers(perms, Type.READ, "fruit", ""));
        assertFalse(covers(perms, Type.READ, "fruit0", ""));
        assertFalse(covers(perms, Type.READ, "fruit/", "fruit1"), "a range that reaches past the prefix");
        assertFalse(covers(perms, Type.READ, "fruit/", ALL), "from-key reaches past the prefix");
    }

    @Test
    void aFromKeyPermissionCoversEverythingFromItsKey() {
        List<Permission> perms = List.of(perm(Type.WRITE, "m", ALL));
        assertTrue(covers(perms, Type.WRITE, "m", ALL));
        assertTrue(covers(perms, Type.WRITE, "zzz", ""));
        assertTrue(covers(perms, Type.WRITE, "n", "p"));
        assertFalse(covers(perms, Type.WRITE, "l", "n"));
        assertFalse(covers(perms, Type.WRITE, "a", ALL));
    }

    @Test
    void adjacentAndOverlappingPermissionsCoverTheirUnionButNotAGap() {
        List<Permission> perms =
                List.of(perm(Type.READ, "c", "e"), perm(Type.READ, "a", "c"), perm(Type.READWRITE, "d", "g"));
        assertTrue(covers(perms, Type.READ, "a", "g"));
        assertTrue(covers(perms, Type.READ, "b", "f"));
        assertFalse(covers(perms, Type.READ, "a", "h"));
        List<Permission> gap = List.of(perm(Type.READ, "a", "c"), perm(Type.READ, "c\0", "e"));
        assertFalse(covers(gap, Type.READ, "a", "e"), "the key c is missing");
        assertTrue(covers(gap, Type.READ, "d", ""));
    }

    @Test
    void theWrongKindOfPermissionCoversNothing() {
        List<Permission> perms = List.of(perm(Type.READ, "a", "z"));
        assertFalse(covers(perms, Type.WRITE, "b", ""));
        assertFalse(covers(List.of(), Type.READ, "b", ""));
        assertTrue(covers(List.of(perm(Type.READWRITE, "a", "z")), Type.WRITE, "b", ""));
    }
}
