package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The client side: trust, hostname verification, SNI, and the insecure mode for test certificates. */
class TlsClientContextTest {
    private static final TlsServerContext LOCALHOST = TlsServerContext.create(TlsServerConfig.builder()
            .identity(Fixtures.identity("rsa.pem", "rsa-pkcs8.key")).build());
    private static final TlsClientContext TRUSTING_CA = TlsClientContext.create(TlsClientConfig.builder().trust(Fixtures.caTrust()).build());

    @Test
    void certificateForTheHostIsAccepted() {
        SSLEngine client = TRUSTING_CA.newEngine("localhost", 8443);
        assertEquals("HTTPS", client.getSSLParameters().getEndpointIdentificationAlgorithm(), "hostname verification is on by default");
        EnginePump.succeed(client, LOCALHOST.newEngine(null, -1));
        assertEquals(Fixtures.certificate("rsa.pem"), EnginePump.serverCertificate(client));
    }

    @Test
    void ipAddressIsCheckedAgainstTheCertificatesIpEntries() {
        EnginePump.succeed(TRUSTING_CA.newEngine("127.0.0.1", 8443), LOCALHOST.newEngine(null, -1));
    }

    @Test
    void certificateForAnotherNameIsRejected() {
        EnginePump.Outcome outcome = EnginePump.handshake(TRUSTING_CA.newEngine("other.test", 8443), LOCALHOST.newEngine(null, -1));
        assertNotNull(outcome.client(), "a certificate for localhost does not pass for other.test: " + outcome);
        assertTrue(String.valueOf(outcome.client().getCause()).contains("other.test")
                || outcome.client().getMessage().contains("other.test"), outcome.client().toString());
    }

    @Test
    void hostnameVerificationCanBeTurnedOffButTrustStillHolds() {
        TlsClientContext noNames = TlsClientContext.create(TlsClientConfig.builder().trust(Fixtures.caTrust()).hostnameVerification(false).build());
        EnginePump.succeed(noNames.newEngine("other.test", 8443), LOCALHOST.newEngine(null, -1));
        TlsClientContext otherCa = TlsClientContext.create(TlsClientConfig.builder().trust(Trust.pem(Fixtures.path("other.pem")))
                .hostnameVerification(false).build());
        assertNotNull(EnginePump.handshake(otherCa.newEngine("localhost", 8443), LOCALHOST.newEngine(null, -1)).client(),
                "a certificate the trust does not cover is rejected");
    }

    @Test
    void untrustedCertificateIsRejectedByTheJdkTrustStore() {
        TlsClientContext system = TlsClientContext.create(TlsClientConfig.builder().build());
        assertNotNull(EnginePump.handshake(system.newEngine("localhost", 8443), LOCALHOST.newEngine(null, -1)).client(),
                "the test CA is not in the JDK's trust store");
    }

    @Test
    void insecureModeAcceptsAnUntrustedCertificateForAnotherNameAndWarnsOnce() {
        Logger logger = (Logger) LoggerFactory.getLogger(TlsClientContext.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            TlsClientContext insecure = TlsClientContext.create(TlsClientConfig.builder().insecure().build());
            for (int i = 0; i < 3; i++) {
                SSLEngine client = insecure.newEngine("other.test", 8443);
                EnginePump.succeed(client, LOCALHOST.newEngine(null, -1));
                assertEquals(Fixtures.certificate("rsa.pem"), EnginePump.serverCertificate(client));
            }
            long warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
            assertEquals(1, warnings, "one warning for the context, none per connection (3 connections made)");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void sniIsSentForHostNamesOnly() {
        SSLEngine byName = LOCALHOST.newEngine(null, -1);
        EnginePump.succeed(TRUSTING_CA.newEngine("LocalHost.", 8443), byName);
        assertEquals(List.<SNIServerName>of(new SNIHostName("localhost")), requested(byName), "the name, normalized");

        SSLEngine byAddress = LOCALHOST.newEngine(null, -1);
        EnginePump.succeed(TRUSTING_CA.newEngine("127.0.0.1", 8443), byAddress);
        assertTrue(requested(byAddress).isEmpty(), "no SNI for an IP address");

        SSLEngine v6 = TRUSTING_CA.newEngine("[::1]", 8443);
        assertTrue(v6.getSSLParameters().getServerNames().isEmpty(), "no SNI for an IPv6 literal");
        assertEquals("::1", v6.getPeerHost(), "brackets dropped");
    }

    @Test
    void clientEnginesAreClientModeWithStrictDefaults() {
        SSLEngine client = TRUSTING_CA.newEngine("localhost", 8443);
        assertTrue(client.getUseClientMode());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(client.getEnabledProtocols()));
        for (String suite : client.getEnabledCipherSuites()) {
            assertTrue(TlsDefaults.strong(suite), suite);
        }
        assertFalse(TlsClientContext.create(TlsClientConfig.builder().insecure().build()).config().hostnameVerification());
    }

    private static List<SNIServerName> requested(SSLEngine server) {
        return ((ExtendedSSLSession) server.getSession()).getRequestedServerNames();
    }
}
