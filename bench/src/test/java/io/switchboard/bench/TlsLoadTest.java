package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.examples.EchoServer;
import io.switchboard.server.Server;
import io.switchboard.tls.Identity;
import io.switchboard.tls.TlsServerConfig;
import io.switchboard.tls.TlsServerContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS pieces of the suite over loopback: Netty's servers with the suite's {@code SslHandler} set-up, the load
 * generators over the framework's TLS client, and the test certificate openssl makes. Needs openssl (CI installs it).
 */
@Timeout(60)
class TlsLoadTest {
    @TempDir
    static Path dir;
    private static TestCertificate certificate;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = TestCertificate.generate(dir.resolve("p256"), TestCertificate.KeyType.P256);
    }

    @Test
    void nettyNegotiatesWhatASwitchboardServerFromTheSameFilesNegotiates() throws Exception {
        // Netty's own default list for the JDK provider puts TLS_AES_128_GCM_SHA256 first; NettyTls copies
        // Switchboard's order, so both answer OpenSSL's client with TLS_AES_256_GCM_SHA384.
        TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(certificate.certificate(), certificate.key())).build());
        try (NettyTcpServer netty = NettyEchoServer.start("127.0.0.1", 0, 1,
                NettyTls.server(certificate.certificate(), certificate.key()).context());
             Server switchboard = EchoServer.start("127.0.0.1", 0, 1, tls)) {
            String nettyTls = TlsProbe.run(netty.localAddress().getPort(), certificate.certificate());
            String switchboardTls = TlsProbe.run(switchboard.localAddress().getPort(), certificate.certificate());

            assertEquals(switchboardTls, nettyTls);
            assertTrue(nettyTls.startsWith("TLSv1.3 TLS_AES_256_GCM_SHA384 "), nettyTls);
            assertTrue(nettyTls.endsWith(" ECDSA"), "the P-256 certificate signs: " + nettyTls);
        }
    }

    @Test
    void echoLoadOverTlsVerifiesEveryByteOfLargeMessages() throws Exception {
        try (NettyTcpServer server = NettyEchoServer.start("127.0.0.1", 0, 1,
                NettyTls.server(certificate.certificate(), certificate.key()).context())) {
            EchoLoadConfig config = new EchoLoadConfig("127.0.0.1", server.localAddress().getPort(), 2, 40_000,
                    Duration.ofMillis(800), Duration.ZERO, 1, new LoadTls(certificate.certificate(), false));

            EchoLoadResult result = new EchoLoad(config, out).run();

            String text = output.toString(StandardCharsets.UTF_8);
            assertEquals(0, result.errors(), () -> "first error: " + result.firstError() + "\n" + text);
            assertTrue(result.messages() > 0, "no message was echoed: " + text);
            assertEquals(result.messages() * 40_000, result.bytes(), "each message is three records, every byte checked");
            assertTrue(text.contains(EchoLoad.NEGOTIATED + " TLSv1.3 TLS_AES_256_GCM_SHA384\n"), text);
        }
    }

    @Test
    void aServerCertificateOutsideTheTrustedCaFileFailsTheRun() throws Exception {
        TestCertificate other = TestCertificate.generate(dir.resolve("other"), TestCertificate.KeyType.P256);
        try (NettyTcpServer server = NettyEchoServer.start("127.0.0.1", 0, 1,
                NettyTls.server(certificate.certificate(), certificate.key()).context())) {
            EchoLoadConfig config = new EchoLoadConfig("127.0.0.1", server.localAddress().getPort(), 1, 100,
                    Duration.ofMillis(500), Duration.ZERO, 1, new LoadTls(other.certificate(), false));

            EchoLoadResult result = new EchoLoad(config, out).run();

            assertEquals(0, result.messages(), "nothing is echoed over a handshake the client refused");
            assertTrue(result.errors() >= 1, "the refused handshake is an error");
            assertEquals(1, result.exitCode());
        }
    }

    @Test
    void httpsLoadCountsAnswersFromNettysHttpsServer() throws Exception {
        try (NettyTcpServer server = NettyHttpServer.start("127.0.0.1", 0, 1,
                NettyTls.server(certificate.certificate(), certificate.key()).context())) {
            HttpLoadConfig config = HttpLoadConfig.forUrl("https://127.0.0.1:" + server.localAddress().getPort()
                    + "/plaintext", 4, Duration.ofMillis(800), Duration.ZERO, 4, 0, "GET", 0,
                    new LoadTls(certificate.certificate(), false));

            HttpLoadResult result = new HttpLoad(config, out).run();

            assertEquals(0, result.errors(), () -> "first error: " + result.firstError() + "\n" + output);
            assertTrue(result.requests() > 0, "no response");
            assertTrue(output.toString(StandardCharsets.UTF_8).contains("connections to https://127.0.0.1:"), output.toString());
        }
    }

    @Test
    void theCertificateIsForLocalhostAndLoopbackWithAPkcs8Key() throws Exception {
        assertEquals(dir.resolve("p256").resolve("cert.pem"), certificate.certificate());
        String key = Files.readString(certificate.key());
        assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8, which Netty's JDK provider reads: " + key);
        X509Certificate x509;
        try (InputStream in = Files.newInputStream(certificate.certificate())) {
            x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertEquals("EC", x509.getPublicKey().getAlgorithm());
        assertEquals("[[2, localhost], [7, 127.0.0.1]]", String.valueOf(x509.getSubjectAlternativeNames()));
    }
}
