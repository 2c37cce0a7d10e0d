package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.raft.Message;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.TransportConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS on loopback with certificates made by keytool at test time. */
class MutualTlsTest {
    @TempDir
    static Path certificateDir;

    private static TestCertificates certificates;

    private LoopbackNode a;
    private LogCapture log;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.create(certificateDir);
    }

    @BeforeEach
    void startNodeOne() {
        log = new LogCapture();
        a = new LoopbackNode(LoopbackNode.config(1).withTls(certificates.member));
    }

    @AfterEach
    void stop() {
        a.close();
        log.close();
    }

    @Test
    void nodesWithCertificatesSignedByTheClusterCaExchangeMessages() {
        try (LoopbackNode b = new LoopbackNode(LoopbackNode.config(2).withTls(certificates.member))) {
            a.knows(List.of(b));
            b.knows(List.of(a));

            b.sendAndFlush(new GroupMessage(4, new Message.TimeoutNow(2, 1, 3)));
            a.sendAndFlush(new GroupMessage(5, new Message.TimeoutNow(1, 2, 3)));

            Await.until("a gets b's message", () -> a.receiver.messageCount() == 1);
            Await.until("b gets a's message", () -> b.receiver.messageCount() == 1);
            assertEquals(1, b.stats(a.id).connectionsEstablished());
        }
    }

    @Test
    void aMemberWithASelfSignedCertificateIsRefusedInTheTlsHandshake() {
        assertRefusedInTheTlsHandshake(LoopbackNode.config(3).withTls(certificates.selfSigned));
    }

    @Test
    void aMemberWithACertificateForgedInTheCaNameIsRefusedInTheTlsHandshake() {
        assertRefusedInTheTlsHandshake(LoopbackNode.config(3).withTls(certificates.forged));
    }

    @Test
    void aMemberWithoutTlsIsRefused() {
        assertRefusedInTheTlsHandshake(LoopbackNode.config(3));
    }

    /** Node 3 is a member in node 1's view, so only TLS can keep it out. */
    private void assertRefusedInTheTlsHandshake(TransportConfig config) {
        try (LoopbackNode other = new LoopbackNode(config)) {
            a.knows(List.of(other));
            other.knows(List.of(a));

            other.sendAndFlush(new GroupMessage(4, new Message.TimeoutNow(3, 1, 3)));

            Await.until("node 1 refuses node 3", () -> log.containsFromNode(1, "TLS handshake failed"));
            assertEquals(0, other.stats(a.id).connectionsEstablished());
            assertEquals(0, a.receiver.messageCount());
        }
    }
}
