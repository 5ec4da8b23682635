package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Identities: a certificate chain and the key that belongs to it, from PEM or PKCS#12. */
class IdentityTest {

    @Test
    void pemIdentityLoadsChainAndMatchingKey() {
        LoadedIdentity loaded = Identity.pem(Fixtures.path("rsa.pem"), Fixtures.path("rsa-pkcs1.key")).load();
        assertEquals(Fixtures.certificate("rsa.pem"), loaded.leaf());
        assertEquals("RSA", loaded.key().getAlgorithm());
    }

    @Test
    void keyOfAnotherCertificateIsRefusedNamingTheKeyFile() {
        // same algorithm (EC P-256), different key: only the signature check can tell
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> Identity.pem(Fixtures.path("ec.pem"), Fixtures.path("other.key")).load());
        assertTrue(e.getMessage().contains("other.key") && e.getMessage().contains("does not match the certificate 'CN=localhost'"),
                e.getMessage());
        // different algorithm
        TlsConfigException rsaForEc = assertThrows(TlsConfigException.class,
                () -> Identity.pem(Fixtures.path("ec.pem"), Fixtures.path("rsa-pkcs8.key")).load());
        assertTrue(rsaForEc.getMessage().contains("RSA key for a EC certificate"), rsaForEc.getMessage());
    }

    @Test
    void encryptedPemIdentityUsesThePassword() {
        LoadedIdentity loaded = Identity.pem(Fixtures.path("ec.pem"), Fixtures.path("ec-encrypted.key"), Fixtures.PASSWORD).load();
        assertEquals(Fixtures.certificate("ec.pem"), loaded.leaf());
    }

    @Test
    void pkcs12LoadsItsOnlyKeyEntryWithChain() {
        LoadedIdentity loaded = Identity.pkcs12(Fixtures.path("server.p12"), Fixtures.PASSWORD).load();
        assertEquals(Fixtures.certificate("rsa.pem"), loaded.leaf());
        assertEquals(2, loaded.chain().length, "server.p12 holds the leaf and the CA");
        assertEquals(Fixtures.certificate("ca.pem"), loaded.chain()[1]);
    }

    @Test
    void pkcs12ErrorsAreClear() {
        TlsConfigException wrongPassword = assertThrows(TlsConfigException.class,
                () -> Identity.pkcs12(Fixtures.path("server.p12"), "nope".toCharArray()).load());
        assertTrue(wrongPassword.getMessage().contains("server.p12") && wrongPassword.getMessage().contains("password"),
                wrongPassword.getMessage());
        TlsConfigException noAlias = assertThrows(TlsConfigException.class,
                () -> Identity.pkcs12(Fixtures.path("server.p12"), Fixtures.PASSWORD, "absent").load());
        assertTrue(noAlias.getMessage().contains("no private key entry named 'absent'"), noAlias.getMessage());
        TlsConfigException notAKeystore = assertThrows(TlsConfigException.class,
                () -> Identity.pkcs12(Fixtures.path("rsa.pem"), Fixtures.PASSWORD).load());
        assertTrue(notAKeystore.getMessage().contains("rsa.pem"), notAKeystore.getMessage());
    }

    @Test
    void expiredCertificateLoadsWithAWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger(KeyCheck.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            LoadedIdentity loaded = Identity.pem(Fixtures.path("expired.pem"), Fixtures.path("expired.key")).load();
            assertEquals(Fixtures.certificate("expired.pem"), loaded.leaf());
            List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertEquals(1, warnings.size(), "one warning for the expired certificate");
            assertTrue(warnings.get(0).getFormattedMessage().contains("expired on"), warnings.get(0).getFormattedMessage());
            assertTrue(warnings.get(0).getFormattedMessage().contains("expired.key"), warnings.get(0).getFormattedMessage());
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void filesAreListedForTheWatch() {
        assertEquals(List.of(Fixtures.path("rsa.pem"), Fixtures.path("rsa-pkcs8.key")), Fixtures.identity("rsa.pem", "rsa-pkcs8.key").files());
        assertEquals(List.of(Fixtures.path("server.p12")), Identity.pkcs12(Fixtures.path("server.p12"), Fixtures.PASSWORD).files());
    }
}
