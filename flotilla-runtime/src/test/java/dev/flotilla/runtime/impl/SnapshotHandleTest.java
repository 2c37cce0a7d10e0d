package dev.flotilla.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The handle layout of docs/runtime.md ("File snapshots"), byte for byte, and what is refused. */
class SnapshotHandleTest {
    @Test
    void remoteHandleHasTheDocumentedLayout() {
        SnapshotHandle remote = new SnapshotHandle.Remote("10.0.0.1", 2381, "g7-100-3");
        byte[] expected = HexFormat.of()
                .parseHex("46534E48" + "01" + "01" + "0008" + hex("10.0.0.1") + "094D" + "0008" + hex("g7-100-3"));
        assertArrayEquals(expected, remote.encode());
        assertEquals(Optional.of(remote), SnapshotHandle.decode(expected));
    }

    @Test
    void localHandleHasTheDocumentedLayout() {
        SnapshotHandle local = new SnapshotHandle.Local("s100-3-ab");
        byte[] expected = HexFormat.of().parseHex("46534E48" + "01" + "02" + "0009" + hex("s100-3-ab"));
        assertArrayEquals(expected, local.encode());
        assertEquals(Optional.of(local), SnapshotHandle.decode(expected));
    }

    @Test
    void bytesThatAreNotAHandleAreNone() {
        assertEquals(Optional.empty(), SnapshotHandle.decode(new byte[0]));
        assertEquals(Optional.empty(), SnapshotHandle.decode(new byte[] {0, 0, 0, 3, 1, 2, 3, 4}));
    }

    @Test
    void badHandlesAreRefusedNamingTheProblem() {
        byte[] local = new SnapshotHandle.Local("s1").encode();
        byte[] truncated = java.util.Arrays.copyOf(local, local.length - 1);
        assertEquals(
                "truncated snapshot handle",
                assertThrows(IllegalArgumentException.class, () -> SnapshotHandle.decode(truncated))
                        .getMessage());
        byte[] trailing = java.util.Arrays.copyOf(local, local.length + 1);
        assertEquals(
                "snapshot handle has 1 trailing bytes",
                assertThrows(IllegalArgumentException.class, () -> SnapshotHandle.decode(trailing))
                        .getMessage());
        byte[] version = local.clone();
        version[4] = 2;
        assertEquals(
                "snapshot handle version 2 is not supported",
                assertThrows(IllegalArgumentException.class, () -> SnapshotHandle.decode(version))
                        .getMessage());
        byte[] escape = new SnapshotHandle.Local("xx").encode();
        escape[escape.length - 2] = '.';
        escape[escape.length - 1] = '.';
        assertThrows(IllegalArgumentException.class, () -> SnapshotHandle.decode(escape));
    }

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
