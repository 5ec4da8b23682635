package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A server context's engines, driven against client engines in memory. */
class TlsServerContextTest {
    private static final TlsClientContext INSECURE = TlsClientContext.create(TlsClientConfig.builder().insecure().build());

    private static TlsServerConfig.Builder localhost() {
        return TlsServerConfig.builder().identity(Fixtures.identity("rsa.pem", "rsa-pkcs8.key"));
    }

    @ParameterizedTest(name = "SNI {0} gets {1}")
    @CsvSource({
        "other.test, other.pem",
        "OTHER.test., other.pem",
        "a.wild.test, wildcard.pem",
        "b.a.wild.test, rsa.pem",
        "wild.test, rsa.pem",
        "unknown.test, rsa.pem",
        "127.0.0.1, rsa.pem",
    })
    void sniSelectsTheCertificate(String host, String expected) {
        TlsServerContext server = TlsServerContext.create(localhost()
                .sni("other.test", Fixtures.identity("other.pem", "other.key"))
                .sni("*.wild.test", Fixtures.identity("wildcard.pem", "wildcard.key"))
                .build());
        SSLEngine client = INSECURE.newEngine(host, 443);
        EnginePump.succeed(client, server.newEngine("127.0.0.1", 50000));
        assertEquals(Fixtures.certificate(expected), EnginePump.serverCertificate(client),
                "a client connecting to " + host + " is shown " + expected);
    }

    @Test
    void defaultEngineSettings() {
        SSLEngine engine = TlsServerContext.create(localhost().build()).newEngine(null, -1);
        assertFalse(engine.getUseClientMode());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, engine.getEnabledProtocols());
        for (String suite : engine.getEnabledCipherSuites()) {
            assertTrue(TlsDefaults.strong(suite), suite + " is forward secret and AEAD (or TLS 1.3)");
            assertFalse(suite.contains("CBC") || suite.contains("_RSA_WITH_") && !suite.contains("DHE"), suite);
        }
        assertTrue(engine.getSSLParameters().getUseCipherSuitesOrder(), "the server's order of suites wins");
        assertFalse(engine.getNeedClientAuth());
        assertFalse(engine.getWantClientAuth());
    }

    @Test
    void defaultSuitesDropTheWeakOnesTheJdkEnables() throws Exception {
        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(null, null, null);
        List<String> jdkDefaults = Arrays.asList(jdk.getDefaultSSLParameters().getCipherSuites());
        List<String> kept = TlsDefaults.cipherSuites(jdk);
        assertTrue(jdkDefaults.contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), "the JDK enables CBC-SHA1 suites by default");
        assertFalse(kept.contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), "...which are dropped");
        assertTrue(kept.contains("TLS_AES_128_GCM_SHA256") && kept.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
                && kept.contains("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"), kept.toString());
        assertEquals(kept, jdkDefaults.stream().filter(kept::contains).toList(), "the JDK's order is kept");
    }

    @Test
    void tls12ClientOfferingOnlyCbcIsRefused() {
        TlsServerContext server = TlsServerContext.create(localhost().build());
        SSLEngine client = INSECURE.newEngine("localhost", 443);
        client.setEnabledProtocols(new String[] {"TLSv1.2"});
        client.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"});
        EnginePump.Outcome outcome = EnginePump.handshake(client, server.newEngine(null, -1));
        assertNotNull(outcome.server(), "the server refuses a client whose only suite is CBC: " + outcome);
        assertTrue(outcome.server().getMessage().contains("cipher"), outcome.server().getMessage());
    }

    @Test
    void tls12WithAeadSucceeds() {
        TlsServerContext server = TlsServerContext.create(localhost().build());
        SSLEngine client = INSECURE.newEngine("localhost", 443);
        client.setEnabledProtocols(new String[] {"TLSv1.2"});
        EnginePump.succeed(client, server.newEngine(null, -1));
        assertEquals("TLSv1.2", client.getSession().getProtocol());
        assertEquals("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", client.getSession().getCipherSuite(),
                "the server's first choice for an RSA certificate");
    }

    @Test
    void tls11ClientHelloGetsAProtocolVersionAlert() throws Exception {
        // The JDK's own client cannot offer TLS 1.1 any more, so the hello is written by hand: TLS 1.1, no
        // supported_versions extension, ECDHE-RSA and RSA AES-128-CBC-SHA suites, P-256.
        SSLEngine server = TlsServerContext.create(localhost().build()).newEngine(null, -1);
        server.beginHandshake();
        ByteBuffer hello = ByteBuffer.wrap(LegacyHello.tls11());
        ByteBuffer app = ByteBuffer.allocate(1 << 16);
        SSLException refused = assertThrows(SSLException.class, () -> {
            for (int i = 0; i < 4; i++) {
                server.unwrap(hello, app);
                Runnable task;
                while ((task = server.getDelegatedTask()) != null) {
                    task.run();
                }
            }
        });
        assertTrue(refused.getMessage().contains("TLSv1.1"), refused.getMessage());
        ByteBuffer alert = ByteBuffer.allocate(1 << 16);
        server.wrap(ByteBuffer.allocate(0), alert);
        alert.flip();
        assertEquals(0x15, alert.get(0), "an alert record");
        assertEquals(2, alert.get(5), "fatal");
        assertEquals(70, alert.get(6), "protocol_version (70)");
    }

    @Test
    void protocolsOlderThanTls12CannotBeConfigured() {
        for (String old : List.of("TLSv1.1", "TLSv1", "SSLv3", "SSLv2Hello")) {
            TlsConfigException e = assertThrows(TlsConfigException.class, () -> TlsServerConfig.builder().protocols("TLSv1.3", old));
            assertTrue(e.getMessage().contains(old), e.getMessage());
            assertThrows(TlsConfigException.class, () -> TlsClientConfig.builder().protocols(old));
        }
    }

    @Test
    void tls13OnlyServerRefusesTls12Client() {
        TlsServerContext server = TlsServerContext.create(localhost().protocols("TLSv1.3").build());
        SSLEngine client = INSECURE.newEngine("localhost", 443);
        client.setEnabledProtocols(new String[] {"TLSv1.2"});
        assertFalse(EnginePump.handshake(client, server.newEngine(null, -1)).ok());
    }

    @Test
    void requiredClientAuthFailsWithoutACertificateAndPassesWithOne() {
        TlsServerContext server = TlsServerContext.create(localhost().clientAuth(ClientAuth.REQUIRED).clientTrust(Fixtures.caTrust()).build());
        EnginePump.Outcome without = EnginePump.handshake(INSECURE.newEngine("localhost", 443), server.newEngine(null, -1));
        assertNotNull(without.server(), "a client without a certificate is refused: " + without);

        TlsClientContext withCert = TlsClientContext.create(TlsClientConfig.builder().insecure()
                .identity(Fixtures.identity("client.pem", "client.key")).build());
        SSLEngine serverEngine = server.newEngine(null, -1);
        EnginePump.succeed(withCert.newEngine("localhost", 443), serverEngine);
        assertEquals(Fixtures.certificate("client.pem"), assertDoesNotThrowPeer(serverEngine));
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused() {
        TlsServerContext server = TlsServerContext.create(localhost().clientAuth(ClientAuth.OPTIONAL)
                .clientTrust(Trust.pem(Fixtures.path("other.pem"))).build());
        TlsClientContext withCert = TlsClientContext.create(TlsClientConfig.builder().insecure()
                .identity(Fixtures.identity("client.pem", "client.key")).build());
        EnginePump.Outcome outcome = EnginePump.handshake(withCert.newEngine("localhost", 443), server.newEngine(null, -1));
        assertNotNull(outcome.server(), "a client certificate the trust does not cover is refused: " + outcome);
    }

    @Test
    void optionalClientAuthAcceptsAClientWithoutCertificate() {
        TlsServerContext server = TlsServerContext.create(localhost().clientAuth(ClientAuth.OPTIONAL).clientTrust(Fixtures.caTrust()).build());
        SSLEngine serverEngine = server.newEngine(null, -1);
        assertTrue(serverEngine.getWantClientAuth());
        EnginePump.succeed(INSECURE.newEngine("localhost", 443), serverEngine);
    }

    @Test
    void clientAuthNeedsClientTrust() {
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> localhost().clientAuth(ClientAuth.REQUIRED).build());
        assertTrue(e.getMessage().contains("clientTrust"), e.getMessage());
        assertThrows(TlsConfigException.class, () -> TlsServerConfig.builder().build(), "a default identity is required");
    }

    @Test
    void alpnPicksByTheServersOrder() {
        TlsServerContext server = TlsServerContext.create(localhost().applicationProtocols("h2", "http/1.1").build());
        TlsClientContext client = TlsClientContext.create(TlsClientConfig.builder().insecure().applicationProtocols("http/1.1", "h2").build());
        SSLEngine clientEngine = client.newEngine("localhost", 443);
        SSLEngine serverEngine = server.newEngine(null, -1);
        EnginePump.succeed(clientEngine, serverEngine);
        assertEquals("h2", clientEngine.getApplicationProtocol(), "the server's first choice among the client's offers");
        assertEquals("h2", serverEngine.getApplicationProtocol());

        SSLEngine onlyHttp11 = TlsClientContext.create(TlsClientConfig.builder().insecure().applicationProtocols("http/1.1").build())
                .newEngine("localhost", 443);
        EnginePump.succeed(onlyHttp11, server.newEngine(null, -1));
        assertEquals("http/1.1", onlyHttp11.getApplicationProtocol());

        SSLEngine noAlpn = INSECURE.newEngine("localhost", 443);
        EnginePump.succeed(noAlpn, server.newEngine(null, -1));
        assertEquals("", noAlpn.getApplicationProtocol(), "a client without ALPN is served, with no protocol chosen");

        SSLEngine unknown = TlsClientContext.create(TlsClientConfig.builder().insecure().applicationProtocols("spdy/3").build())
                .newEngine("localhost", 443);
        assertFalse(EnginePump.handshake(unknown, server.newEngine(null, -1)).ok(), "no common protocol: no_application_protocol");
    }

    @Test
    void ecdsaAndPkcs12IdentitiesServe() {
        SSLEngine ec = INSECURE.newEngine("localhost", 443);
        EnginePump.succeed(ec, TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(Fixtures.path("ec384.pem"), Fixtures.path("ec384-sec1.key"))).build()).newEngine(null, -1));
        assertEquals(Fixtures.certificate("ec384.pem"), EnginePump.serverCertificate(ec));

        SSLEngine p12 = INSECURE.newEngine("localhost", 443);
        EnginePump.succeed(p12, TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pkcs12(Fixtures.path("server.p12"), Fixtures.PASSWORD)).build()).newEngine(null, -1));
        assertEquals(Fixtures.certificate("rsa.pem"), EnginePump.serverCertificate(p12));
    }

    @Test
    void configuredSuitesAreCheckedAgainstTheJdk() {
        TlsConfigException weak = assertThrows(TlsConfigException.class,
                () -> TlsServerContext.create(localhost().cipherSuites("SSL_RSA_WITH_3DES_EDE_CBC_SHA").build()));
        assertTrue(weak.getMessage().contains("3DES") || weak.getMessage().contains("not supported"), weak.getMessage());
        TlsConfigException unknown = assertThrows(TlsConfigException.class,
                () -> TlsServerContext.create(localhost().cipherSuites("TLS_MADE_UP").build()));
        assertTrue(unknown.getMessage().contains("TLS_MADE_UP"), unknown.getMessage());
        SSLEngine engine = TlsServerContext.create(localhost().cipherSuites("TLS_AES_128_GCM_SHA256").protocols("TLSv1.3").build())
                .newEngine(null, -1);
        assertArrayEquals(new String[] {"TLS_AES_128_GCM_SHA256"}, engine.getEnabledCipherSuites());
    }

    @Test
    void timeoutsHaveDefaultsAndMustBePositive() {
        TlsServerConfig config = localhost().build();
        assertEquals(java.time.Duration.ofSeconds(10), config.handshakeTimeout());
        assertThrows(IllegalArgumentException.class, () -> localhost().handshakeTimeout(java.time.Duration.ZERO));
        assertNull(config.clientTrust());
    }

    private static java.security.cert.Certificate assertDoesNotThrowPeer(SSLEngine server) {
        try {
            return server.getSession().getPeerCertificates()[0];
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new AssertionError("the server saw no client certificate", e);
        }
    }
}
