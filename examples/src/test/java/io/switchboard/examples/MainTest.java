package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsCommandsAndFlags() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("echo") && text.contains("--port") && text.contains("--workers"), text);
    }

    @Test
    void commandHelpIsTheUsage() {
        assertEquals(0, run("echo", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage:"));
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, run("teleport"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command: teleport"));
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertEquals(2, run("echo", "--colour", "blue"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown flag: --colour"));
    }

    @Test
    void badNumbersAreUsageErrors() {
        assertEquals(2, run("echo", "--port", "seventy"));
        assertEquals(2, run("echo", "--port", "70000"));
        assertEquals(2, run("echo", "--workers"));
    }

    @Test
    void metricsAndNoMetricsExcludeEachOther() {
        assertEquals(2, run("http", "--port", "0", "--metrics", "--no-metrics"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--metrics and --no-metrics exclude each other"));
        assertEquals(2, run("http", "--metrics=yes"), "a switch takes no value");
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run());
    }

    @Test
    void helpListsTheTlsFlags() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String flag : List.of("--tls-cert FILE", "--tls-key FILE", "--tls-reload S", "--tls ", "--tls-ca FILE",
                "--tls-insecure")) {
            assertTrue(text.contains(flag), flag + " in\n" + text);
        }
    }

    @Test
    void helpListsTheChatWebPort() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("--http-port N (8081)") && text.contains("/?transport=sse") && text.contains("/ws/echo"),
                text);
    }

    @Test
    void badWebPortIsAUsageError() {
        assertEquals(2, run("chat", "--http-port", "70000"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--http-port must be between 0 and 65535"),
                err.toString());
        err.reset();
        assertEquals(2, run("echo", "--http-port", "8081"), "only the chat has a web page");
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("unknown flag: --http-port"), err.toString());
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() {
        assertEquals(2, run("echo", "--port", "0", "--tls-cert", "cert.pem"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--tls-cert needs --tls-key FILE"), err.toString());
    }

    @Test
    void aKeyWithoutItsCertificateIsAUsageError() {
        assertEquals(2, run("kv", "--port", "0", "--tls-key", "key.pem"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--tls-key needs --tls-cert FILE"), err.toString());
    }

    @Test
    void reloadWithoutCertificateIsAUsageError() {
        assertEquals(2, run("http", "--port", "0", "--tls-reload", "5"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--tls-reload needs --tls-cert and --tls-key"),
                err.toString());
    }

    @Test
    void unreadableCertificateStopsTheServerNamingTheFile() {
        assertEquals(1, run("echo", "--port", "0", "--tls-cert", "no-such-cert.pem", "--tls-key", "no-such-key.pem"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no-such-cert.pem"), err.toString());
    }

    @Test
    void clientTlsSwitchesAreChecked() {
        assertEquals(2, run("chat-client", "--tls=yes"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("flag --tls takes no value"), err.toString());
        err.reset();
        assertEquals(2, run("chat-client", "--tls-ca", "ca.pem"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--tls-ca needs --tls"), err.toString());
        err.reset();
        assertEquals(2, run("chat-client", "--tls-insecure"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--tls-insecure needs --tls"), err.toString());
        err.reset();
        assertEquals(2, run("chat-client", "--tls", "--tls-ca", "ca.pem", "--tls-insecure"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--tls-ca and --tls-insecure exclude each other"),
                err.toString());
        err.reset();
        assertEquals(2, run("echo", "--tls"), "servers have no --tls switch");
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("unknown flag: --tls\n"), err.toString());
    }

    @Test
    void proxyAndRedisFlagsAreChecked() {
        assertEquals(2, run("http", "--trusted-proxy", "10.0.0.0/8"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--trusted-proxy needs --proxy-protocol"), err.toString());
        err.reset();
        assertEquals(2, run("http", "--proxy-protocol", "--trusted-proxy", "10.1.0.0/8"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--trusted-proxy: '10.1.0.0/8' has bits set"),
                err.toString());
        err.reset();
        assertEquals(2, run("chat", "--proxy-protocol", "--trusted-proxy", "proxy.example"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--trusted-proxy: not a numeric"), err.toString());
        err.reset();
        assertEquals(2, run("chat", "--redis", "6379"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--redis must be HOST:PORT"), err.toString());
        err.reset();
        assertEquals(2, run("echo", "--proxy-protocol"), "only http and chat take it");
        err.reset();
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String flag : List.of("--proxy-protocol", "--trusted-proxy CIDR", "--redis HOST:PORT", "/whoami")) {
            assertTrue(text.contains(flag), flag + " in\n" + text);
        }
    }

    @Test
    void repeatedTrustedProxiesAreAllKept() {
        Args args = Args.parse(List.of("--proxy-protocol", "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy=192.0.2.1"),
                java.util.Set.of("trusted-proxy"), ProxyFlags.SWITCHES);
        assertEquals(List.of("10.0.0.0/8", "192.0.2.1"), ProxyFlags.server(args).trusted().stream()
                .map(Object::toString).toList());
        Args loopback = Args.parse(List.of("--proxy-protocol"), java.util.Set.of("trusted-proxy"), ProxyFlags.SWITCHES);
        assertEquals(List.of("127.0.0.0/8", "::1"), ProxyFlags.server(loopback).trusted().stream()
                .map(Object::toString).toList(), "loopback by default: HAProxy on the same machine");
    }
}
