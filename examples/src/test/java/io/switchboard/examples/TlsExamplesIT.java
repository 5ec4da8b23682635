package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Client;
import io.switchboard.tls.TlsClientConfig;
import io.switchboard.tls.TlsClientContext;
import io.switchboard.tls.TlsHandshakeCompleted;
import io.switchboard.tls.Trust;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The echo, chat and kv examples serving TLS with {@code --tls-cert/--tls-key}, driven by Switchboard's own TLS
 * client, the chat client with {@code --tls}, redis-cli with {@code --tls}, and the JDK; and a certificate reload.
 * The certificates are the test CA's (src/test/resources/tls); each of the three PEM key forms is used once.
 */
class TlsExamplesIT {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private ExampleProcess start(List<String> args, List<String> tlsFlags) throws IOException {
        List<String> all = new ArrayList<>(args);
        all.addAll(tlsFlags);
        ExampleProcess p = ExampleProcess.start(all.toArray(String[]::new));
        toClose.add(p);
        return p;
    }

    private ExampleProcess start(String... args) throws IOException {
        return start(List.of(args), List.of());
    }

    /** Records one connection's bytes and its handshake, as Switchboard's own TLS client reads them. */
    private static final class Received implements Handler {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile TlsHandshakeCompleted handshake;

        @Override
        public void userEvent(HandlerContext ctx, Object event) {
            if (event instanceof TlsHandshakeCompleted done) {
                handshake = done;
            }
        }

        @Override
        public void read(HandlerContext ctx, Object message) {
            ByteBuffer buffer = (ByteBuffer) message; // borrowed: copied before the callback returns
            synchronized (bytes) {
                while (buffer.hasRemaining()) {
                    bytes.write(buffer.get());
                }
            }
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }
    }

    /** Four connections of Switchboard's TLS client each send 256 KiB in 4 KiB writes and get them back byte-exact. */
    @Test
    void echoOverTlsToTheFrameworkClient() throws Exception {
        int port = start(List.of("echo", "--port", "0", "--workers", "2"),
                TlsFiles.serverFlags("ec.pem", "ec-pkcs8.key")).awaitListening();
        TlsClientContext tls = TlsClientContext.create(TlsClientConfig.builder()
                .trust(Trust.pem(TlsFiles.path("ca.pem"))).build());
        int connections = 4;
        int size = 256 * 1024;
        List<Received> received = new ArrayList<>();
        try (Client client = Client.builder().tls(tls).pipeline(p -> {
            Received r = new Received();
            synchronized (received) {
                received.add(r);
            }
            p.add(r);
        }).build()) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Connection c = client.connect("localhost", port).get(10, TimeUnit.SECONDS);
                byte[] data = new byte[size];
                new Random(i).nextBytes(data);
                sent.add(data);
                for (int at = 0; at < size; at += 4096) {
                    c.write(ByteBuffer.wrap(data, at, 4096));
                }
                c.flush();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                synchronized (received) {
                    return received.size() == connections && received.stream().allMatch(r -> r.size() == size);
                }
            });
            // Each connection got back exactly one of the payloads (which one is which depends on connect order).
            for (Received r : received) {
                byte[] back;
                synchronized (r.bytes) {
                    back = r.bytes.toByteArray();
                }
                assertTrue(sent.stream().anyMatch(s -> Arrays.equals(s, back)), "a payload came back byte-exact");
                assertEquals("TLSv1.3", r.handshake.protocol());
            }
            assertEquals(0, tls.counters().handshakeFailures());
        }
    }

    /**
     * Two chat clients, one trusting the test CA (and checking the host name), one with --tls-insecure, exchange a
     * line each through the TLS chat server (RSA certificate, PKCS#1 key); the insecure one warns exactly once.
     */
    @Test
    void chatClientsTalkOverTls() throws Exception {
        int port = start(List.of("chat", "--port", "0", "--http-port", "0"), TlsFiles.serverFlags("rsa.pem", "rsa-pkcs1.key"))
                .awaitListening();
        ExampleProcess trusting = start("chat-client", "--host", "localhost", "--port", String.valueOf(port),
                "--tls", "--tls-ca", TlsFiles.arg("ca.pem"));
        ExampleProcess insecure = start("chat-client", "--port", String.valueOf(port), "--tls", "--tls-insecure");
        await().atMost(Duration.ofSeconds(20)).until(() -> handshaken(trusting) && handshaken(insecure));

        say(trusting, "hello from the verified client");
        await().atMost(Duration.ofSeconds(10)).until(() -> printed(insecure, "hello from the verified client"));
        say(insecure, "hello from the insecure client");
        await().atMost(Duration.ofSeconds(10)).until(() -> printed(trusting, "hello from the insecure client"));

        assertEquals(1, insecure.stderr.stream().filter(l -> l.toLowerCase().contains("insecure")).count(),
                "one warning: " + insecure.stderr);
        assertEquals(0, trusting.stderr.stream().filter(l -> l.toLowerCase().contains("insecure")).count(),
                "no warning: " + trusting.stderr);
        trusting.process.getOutputStream().close();
        insecure.process.getOutputStream().close();
        assertEquals(0, trusting.awaitExit(Duration.ofSeconds(10)));
        assertEquals(0, insecure.awaitExit(Duration.ofSeconds(10)));
    }

    private static boolean handshaken(ExampleProcess client) {
        return client.stderr.stream().anyMatch(l -> l.startsWith("tls: TLSv1.3"));
    }

    private static boolean printed(ExampleProcess client, String text) {
        return client.stdout.stream().anyMatch(l -> l.contains(text));
    }

    private static void say(ExampleProcess client, String line) throws IOException {
        OutputStream stdin = client.process.getOutputStream();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /**
     * The chat client checks the server's certificate: with the JDK's CAs it refuses the test CA's certificate, with
     * the test CA it refuses a certificate for other.test when connecting to 127.0.0.1; each ends with status 1 and
     * the reason. --tls-insecure accepts it.
     */
    @Test
    void chatClientChecksTheCertificateAndEndsWithTheReason() throws Exception {
        int port = start(List.of("chat", "--port", "0", "--http-port", "0"), TlsFiles.serverFlags("other.pem", "other.key"))
                .awaitListening();
        String p = String.valueOf(port);

        ExampleProcess systemTrust = start("chat-client", "--port", p, "--tls");
        assertEquals(1, systemTrust.awaitExit(Duration.ofSeconds(20)));
        assertTrue(failedBecause(systemTrust, port, "PKIX path building failed"), String.join("\n", systemTrust.stderr));

        ExampleProcess wrongName = start("chat-client", "--port", p, "--tls", "--tls-ca", TlsFiles.arg("ca.pem"));
        assertEquals(1, wrongName.awaitExit(Duration.ofSeconds(20)));
        assertTrue(failedBecause(wrongName, port, "No subject alternative names matching IP address 127.0.0.1"),
                String.join("\n", wrongName.stderr));

        ExampleProcess insecure = start("chat-client", "--port", p, "--tls", "--tls-insecure");
        await().atMost(Duration.ofSeconds(20)).until(() -> printed(insecure, "* welcome"));
    }

    private static boolean failedBecause(ExampleProcess client, int port, String reason) {
        return client.stderr.stream().anyMatch(l -> l.startsWith("chat-client: TLS handshake with 127.0.0.1:" + port
                + " failed: ") && l.contains(reason));
    }

    /**
     * chat-client --tls against a plaintext chat server: the server's welcome line is no TLS record, and the client
     * ends with status 1 and says so, although its standard input stays open (no hang, no reconnect loop: without
     * the check it reconnects every 0.1 to 30 s for ever).
     */
    @Test
    void chatClientWithTlsAgainstAPlaintextServerFailsClearly() throws Exception {
        int port = start("chat", "--port", "0", "--http-port", "0").awaitListening();
        ExampleProcess client = start("chat-client", "--port", String.valueOf(port), "--tls", "--tls-ca",
                TlsFiles.arg("ca.pem"));
        assertEquals(1, client.awaitExit(Duration.ofSeconds(20)));
        assertTrue(failedBecause(client, port, "plaintext connection?"), String.join("\n", client.stderr));
    }

    /** redis-cli --tls --cacert against the kv example: PING, SET, GET, one command at a time and several in one session. */
    @Test
    void redisCliOverTls() throws Exception {
        Tools.require("redis-cli", "redis-tools");
        int port = start(List.of("kv", "--port", "0", "--workers", "2"),
                TlsFiles.serverFlags("ec.pem", "ec-sec1.key")).awaitListening();
        List<String> cli = List.of("redis-cli", "--tls", "--cacert", TlsFiles.arg("ca.pem"), "-h", "127.0.0.1",
                "-p", String.valueOf(port));
        assertEquals("PONG", run(cli, "PING"));
        assertEquals("OK", run(cli, "SET", "tls:key", "secret value"));
        assertEquals("secret value", run(cli, "GET", "tls:key"));

        Tools.Result session = Tools.run(30, "SET tls:n 41\nINCR tls:n\nGET tls:key\nPING\n", cli);
        assertEquals(0, session.exit(), session.stderr());
        assertEquals("OK\n42\nsecret value\nPONG", session.stdout().strip(), "four commands over one TLS connection");

        Tools.Result untrusted = Tools.run(30, List.of("redis-cli", "--tls", "-p", String.valueOf(port), "PING"));
        assertNotEquals(0, untrusted.exit());
        assertTrue(untrusted.stderr().contains("certificate verify failed"), "without the CA: " + untrusted.stderr());

        Tools.Result plaintext = Tools.run(30, List.of("redis-cli", "-p", String.valueOf(port), "PING"));
        assertNotEquals(0, plaintext.exit());
        assertTrue(!plaintext.stdout().contains("PONG"), "plaintext RESP is not answered on the TLS port: "
                + plaintext.stdout() + plaintext.stderr());
    }

    private static String run(List<String> cli, String... command) throws Exception {
        List<String> all = new ArrayList<>(cli);
        all.addAll(List.of(command));
        Tools.Result r = Tools.run(30, all);
        assertEquals(0, r.exit(), r.stderr());
        return r.stdout().strip();
    }

    /**
     * --tls-reload 1: the certificate files are replaced (P-256 by RSA); new connections get the new certificate
     * within the awaited 20 s, and a connection opened before keeps its certificate and keeps working.
     */
    @Test
    void reloadAppliesToNewConnectionsOnly(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Files.copy(TlsFiles.path("ec.pem"), cert);
        Files.copy(TlsFiles.path("ec-pkcs8.key"), key);
        ExampleProcess echo = start("echo", "--port", "0", "--tls-cert", cert.toString(), "--tls-key", key.toString(),
                "--tls-reload", "1");
        int port = echo.awaitListening();
        try (SSLSocket before = connect(port)) {
            assertEquals("EC", keyAlgorithm(before));
            assertEquals("first", echo(before, "first"));

            Files.copy(TlsFiles.path("rsa.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(TlsFiles.path("rsa-pkcs1.key"), key, StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (SSLSocket after = connect(port)) {
                    return keyAlgorithm(after).equals("RSA") && echo(after, "after").equals("after");
                }
            });
            assertEquals("still here", echo(before, "still here"), "the connection from before the reload works on");
            assertEquals("EC", keyAlgorithm(before));
        }
        assertTrue(echo.stderr.stream().anyMatch(l -> l.contains("TLS reloaded")), String.join("\n", echo.stderr));
    }

    private static SSLSocket connect(int port) throws Exception {
        SSLSocket socket = (SSLSocket) TlsFiles.trustingTestCa().getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private static String keyAlgorithm(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getPublicKey().getAlgorithm();
    }

    private static String echo(SSLSocket socket, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(out);
        socket.getOutputStream().flush();
        byte[] in = new byte[out.length];
        new DataInputStream(socket.getInputStream()).readFully(in);
        return new String(in, StandardCharsets.UTF_8);
    }
}
