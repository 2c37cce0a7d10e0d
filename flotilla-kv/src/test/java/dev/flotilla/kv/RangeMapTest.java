package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.command.Rejection;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangeMapTest {
    private final RangeMap map = RangeMap.splitAt(List.of(bytes("g"), bytes("p")));

    @Test
    void everyKeyHasExactlyTheOwnerItsSplitKeysGiveIt() {
        assertEquals(1, map.ownerOfKey(bytes("")));
        assertEquals(1, map.ownerOfKey(bytes("f\u00ff")));
        assertEquals(2, map.ownerOfKey(bytes("g")));
        assertEquals(2, map.ownerOfKey(bytes("o")));
        assertEquals(3, map.ownerOfKey(bytes("p")));
        assertEquals(3, map.ownerOfKey(ByteString.copyFrom(new byte[] {(byte) 0xff})));
        assertEquals(List.of(1L, 2L, 3L), map.rangeIds());
    }

    @Test
    void spansFindTheRangesTheyTouch() {
        assertEquals(List.of(1L), ids(KeySpan.of(bytes("a"), bytes("g"))), "the end is exclusive");
        assertEquals(List.of(1L, 2L), ids(KeySpan.of(bytes("a"), bytes("h"))));
        assertEquals(List.of(2L, 3L), ids(KeySpan.of(bytes("h"), bytes("\0"))), "to the end of the key space");
        assertEquals(List.of(3L), ids(KeySpan.of(bytes("p"), ByteString.EMPTY)), "a single key");
        assertEquals(2, map.owner(List.of(KeySpan.of(bytes("h"), bytes("i")), KeySpan.of(bytes("o"), bytes(""))), "x"));
        assertEquals(1, map.owner(List.of(), "an empty Txn"));
    }

    @Test
    void aRequestAcrossRangesIsRefusedNamingThem() {
        RejectedRequestException e = assertThrows(
                RejectedRequestException.class,
                () -> map.owner(
                        List.of(KeySpan.of(bytes("a"), ByteString.EMPTY), KeySpan.of(bytes("z"), ByteString.EMPTY)),
                        "a Txn"));
        assertEquals(Rejection.Kind.CROSS_RANGE, e.rejection().getKind());
        assertEquals("flotilla: a Txn spans ranges 1, 3; it must stay within one range", e.getMessage());
    }

    @Test
    void splitKeysMustBeNonEmptyAndAscending() {
        assertThrows(IllegalArgumentException.class, () -> RangeMap.splitAt(List.of(bytes("p"), bytes("g"))));
        assertThrows(IllegalArgumentException.class, () -> RangeMap.splitAt(List.of(bytes("g"), bytes("g"))));
        assertThrows(IllegalArgumentException.class, () -> RangeMap.splitAt(List.of(bytes(""))));
        assertEquals(List.of(1L), RangeMap.singleRange().rangeIds());
    }

    private List<Long> ids(KeySpan span) {
        return map.overlapping(span).stream().map(RangeMap.Range::id).toList();
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
