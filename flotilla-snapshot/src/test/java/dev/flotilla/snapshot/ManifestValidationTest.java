package dev.flotilla.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.snapshot.wire.Frames;
import dev.flotilla.snapshot.wire.ManifestCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestValidationTest {
    private static final int CHUNK = SnapshotManifest.MIN_CHUNK_BYTES;

    @Test
    void aManifestSurvivesEncodingUnchanged() {
        SnapshotManifest manifest = new SnapshotManifest(
                3,
                100,
                2,
                new byte[] {9, 8},
                CHUNK,
                List.of(file("000001.sst", CHUNK * 2L + 5), file("MANIFEST-000002", 0), file("OPTIONS-1", 7)));
        assertEquals(manifest, SnapshotManifest.decode(manifest.encode()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../etc/passwd",
                "..",
                ".",
                "a/../b",
                "/etc/passwd",
                "a/b",
                "a\\b",
                "C:x",
                ".hidden",
                "",
                "a..b",
                "name with space",
                "nul\u0000byte",
                "é.sst"
            })
    void namesThatCouldEscapeTheDirectoryOrAreNotPlainAreRejected(String name) {
        InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> file(name, 1));
        assertTrue(e.getMessage().startsWith("file name"), e.getMessage());
        // The same name arriving in encoded bytes is rejected by the decoder too.
        byte[] encoded = encodeRaw(1, List.of(name.getBytes(StandardCharsets.UTF_8)), 1);
        assertThrows(InvalidManifestException.class, () -> SnapshotManifest.decode(encoded));
    }

    @Test
    void aNameLongerThanTheLimitIsRejected() {
        String longName = "a".repeat(SnapshotManifest.MAX_NAME_CHARS + 1);
        assertThrows(InvalidManifestException.class, () -> file(longName, 1));
        assertThrows(
                InvalidManifestException.class,
                () -> SnapshotManifest.decode(encodeRaw(1, List.of(longName.getBytes(StandardCharsets.US_ASCII)), 1)));
    }

    @Test
    void duplicateNamesAreRejected() {
        InvalidManifestException e = assertThrows(
                InvalidManifestException.class,
                () -> new SnapshotManifest(1, 1, 1, new byte[0], CHUNK, List.of(file("a", 1), file("a", 2))));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
        byte[] bytes = "a".getBytes(StandardCharsets.US_ASCII);
        assertThrows(
                InvalidManifestException.class, () -> SnapshotManifest.decode(encodeRaw(2, List.of(bytes, bytes), 1)));
    }

    @Test
    void oversizedCountsAndSizesAreRejectedBeforeAllocating() {
        // A file count far above the limit, with no bytes behind it.
        InvalidManifestException count = assertThrows(
                InvalidManifestException.class,
                () -> SnapshotManifest.decode(encodeRaw(Integer.MAX_VALUE, List.of(), 1)));
        assertTrue(count.getMessage().contains("file count"), count.getMessage());
        // A count within the limit that the bytes cannot hold.
        assertThrows(InvalidManifestException.class, () -> SnapshotManifest.decode(encodeRaw(90_000, List.of(), 1)));
        // A file of 2^50 bytes.
        byte[] name = "big".getBytes(StandardCharsets.US_ASCII);
        InvalidManifestException size = assertThrows(
                InvalidManifestException.class, () -> SnapshotManifest.decode(encodeRaw(1, List.of(name), 1L << 50)));
        assertTrue(size.getMessage().contains("size"), size.getMessage());
        assertThrows(InvalidManifestException.class, () -> file("big", SnapshotManifest.MAX_FILE_BYTES + 1));
        assertThrows(
                InvalidManifestException.class,
                () -> new SnapshotManifest(
                        1, 1, 1, new byte[SnapshotManifest.MAX_CONFIGURATION_BYTES + 1], CHUNK, List.of()));
    }

    @Test
    void aDamagedManifestIsRejectedByItsChecksum() {
        byte[] encoded = new SnapshotManifest(1, 2, 3, new byte[0], CHUNK, List.of(file("x", 10))).encode();
        encoded[20] ^= 1;
        InvalidManifestException e =
                assertThrows(InvalidManifestException.class, () -> SnapshotManifest.decode(encoded));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aFetchFromASenderOfferingAPathTraversalIsRefusedAndWritesNothing() throws Exception {
        byte[] hostile = encodeRaw(1, List.of("../../escaped".getBytes(StandardCharsets.US_ASCII)), 10);
        try (Scratch scratch = new Scratch();
                ServerSocket sender = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                SnapshotFetcher fetcher =
                        SnapshotFetcher.create(SnapshotFetcherConfig.defaults().withRetries(1, 0, 1, Duration.ZERO))) {
            Thread fake = new Thread(() -> answerEveryOpenWith(sender, Frames.manifest(hostile)));
            fake.setDaemon(true);
            fake.start();
            Path target = scratch.resolve("a/b/receiver");
            SnapshotTransfer transfer = fetcher.fetch(FetchRequest.of(
                    target, List.of(new SnapshotLocation((InetSocketAddress) sender.getLocalSocketAddress(), "s"))));
            ExecutionException e = assertThrows(
                    ExecutionException.class, () -> transfer.result().get(10, TimeUnit.SECONDS));
            SnapshotTransferException failure = (SnapshotTransferException) e.getCause();
            assertEquals(SnapshotTransferException.Reason.INVALID_MANIFEST, failure.reason());
            assertTrue(failure.getMessage().contains("'../../escaped'"), failure.getMessage());
            assertFalse(Files.exists(scratch.resolve("a/escaped")));
            assertFalse(Files.exists(target));
        }
    }

    /** A fake sender: reads whatever comes and answers each connection with one frame. */
    private static void answerEveryOpenWith(ServerSocket sender, byte[] frame) {
        while (!sender.isClosed()) {
            try (Socket connection = sender.accept()) {
                connection.getInputStream().read(new byte[512]);
                connection.getOutputStream().write(frame);
                connection.getOutputStream().flush();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static SnapshotFile file(String name, long size) {
        return new SnapshotFile(name, size, 42, new int[SnapshotFile.chunkCount(size, CHUNK)]);
    }

    /**
     * Encodes a manifest by hand, bypassing the record's checks, as a hostile sender could: {@code declaredFiles} in
     * the count, then one entry per name with {@code size} bytes and no chunk checksums (so sizes above a chunk make
     * the rest short), and a valid trailing checksum.
     */
    private static byte[] encodeRaw(int declaredFiles, List<byte[]> names, long size) {
        ByteBuffer out = ByteBuffer.allocate(4096);
        out.putInt(ManifestCodec.MAGIC).putShort((short) ManifestCodec.VERSION);
        out.putLong(1).putLong(2).putLong(3).putInt(0).putInt(CHUNK).putInt(declaredFiles);
        for (byte[] name : names) {
            out.putShort((short) name.length).put(name).putLong(size).putInt(0);
            if (size > 0 && size <= CHUNK) {
                out.putInt(0);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }
}
