package io.switchboard.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload without restart: new engines get the new certificate, engines already made keep theirs. */
class ReloadTest {
    private static final TlsClientContext INSECURE = TlsClientContext.create(TlsClientConfig.builder().insecure().build());

    @TempDir
    Path dir;

    private TlsServerContext serving(String pem, String key) throws IOException {
        Fixtures.copy(pem, dir.resolve("server.pem"));
        Fixtures.copy(key, dir.resolve("server.key"));
        return TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(dir.resolve("server.pem"), dir.resolve("server.key"))).build());
    }

    private static X509Certificate shown(SSLEngine serverEngine) {
        SSLEngine client = INSECURE.newEngine("localhost", 443);
        EnginePump.succeed(client, serverEngine);
        return EnginePump.serverCertificate(client);
    }

    @Test
    void reloadAppliesToEnginesMadeAfterItOnly() throws IOException {
        TlsServerContext context = serving("rsa.pem", "rsa-pkcs8.key");
        SSLEngine before = context.newEngine(null, -1);

        Fixtures.copy("other.pem", dir.resolve("server.pem"));
        Fixtures.copy("other.key", dir.resolve("server.key"));
        context.reload();
        SSLEngine after = context.newEngine(null, -1);

        // the engine made before the reload handshakes only now, and still shows the old certificate
        assertEquals(Fixtures.certificate("rsa.pem"), shown(before), "made before reload(): old certificate");
        assertEquals(Fixtures.certificate("other.pem"), shown(after), "made after reload(): new certificate");
        assertEquals(Fixtures.certificate("other.pem"), context.certificateChain().get(0));
        assertEquals(1, context.reloads());
    }

    @Test
    void failedReloadKeepsTheOldCertificate() throws IOException {
        TlsServerContext context = serving("rsa.pem", "rsa-pkcs8.key");
        Fixtures.copy("other.pem", dir.resolve("server.pem")); // the new certificate without its key
        TlsConfigException e = assertThrows(TlsConfigException.class, context::reload);
        assertTrue(e.getMessage().contains("server.key") && e.getMessage().contains("does not match"), e.getMessage());
        assertEquals(Fixtures.certificate("rsa.pem"), shown(context.newEngine(null, -1)), "still the old certificate");
        assertEquals(0, context.reloads());

        Files.writeString(dir.resolve("server.key"), "garbage");
        assertThrows(TlsConfigException.class, context::reload);
        assertEquals(Fixtures.certificate("rsa.pem"), shown(context.newEngine(null, -1)), "still the old certificate");
    }

    @Test
    void fileWatchReloadsAfterTheFilesChange() throws IOException {
        TlsServerContext context = serving("rsa.pem", "rsa-pkcs8.key");
        try (FileWatch watch = context.watch(Duration.ofMillis(50))) {
            assertEquals(2, watch.files().size(), "certificate and key are watched");
            Fixtures.copy("other.pem", dir.resolve("server.pem"));
            Fixtures.copy("other.key", dir.resolve("server.key"));
            // reloads within two polls (100 ms) of the last change; allow a slow machine 10 s
            await().atMost(Duration.ofSeconds(10)).until(() -> context.reloads() == 1);
            assertEquals(Fixtures.certificate("other.pem"), shown(context.newEngine(null, -1)));
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("switchboard-tls-watch") && t.isDaemon()), "a daemon thread with a plain name");
        }
    }

    @Test
    void fileWatchSurvivesABrokenFileAndReloadsOnceItIsFixed() throws IOException {
        TlsServerContext context = serving("rsa.pem", "rsa-pkcs8.key");
        try (FileWatch watch = context.watch(Duration.ofMillis(50))) {
            Fixtures.copy("other.pem", dir.resolve("server.pem")); // key left behind: the reload fails
            await().atMost(Duration.ofSeconds(10)).until(() -> watch.failures() == 1);
            assertEquals(0, context.reloads());
            assertEquals(Fixtures.certificate("rsa.pem"), shown(context.newEngine(null, -1)), "the old certificate stays");

            Fixtures.copy("other.key", dir.resolve("server.key"));
            await().atMost(Duration.ofSeconds(10)).until(() -> context.reloads() == 1);
            assertEquals(Fixtures.certificate("other.pem"), shown(context.newEngine(null, -1)));
        }
    }

    @Test
    void closedWatchStopsItsThread() throws IOException {
        // no other watch is open: the other tests close theirs
        TlsServerContext context = serving("rsa.pem", "rsa-pkcs8.key");
        FileWatch watch = context.watch(Duration.ofMillis(20));
        watch.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("switchboard-tls-watch") && t.isAlive()));
    }
}
