package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Command-line handling: usage errors exit 2 with the usage text, flags parse into configurations. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        assertEquals(2, run());
        assertTrue(err().startsWith("usage:"), err());
    }

    @Test
    void unknownCommandExits2() {
        assertEquals(2, run("echo-lode"));
        assertTrue(err().contains("unknown command: echo-lode"), err());
        assertTrue(err().contains("usage:"), err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"netty-echo", "echo-load", "compare-echo", "netty-http", "floor-http", "floor-echo",
            "compare", "idle-clients", "report", "netty-ws", "ws-broadcast", "ws-load", "ws-broadcast-load",
            "ws-idle-clients"})
    void unknownFlagExits2(String command) {
        assertEquals(2, run(command, "--connectionz", "3"));
        assertTrue(err().contains("unknown flag: --connectionz"), err());
    }

    @Test
    void flagWithoutValueExits2() {
        assertEquals(2, run("echo-load", "--size"));
        assertTrue(err().contains("flag --size needs a value"), err());
    }

    @Test
    void badNumbersExit2() {
        assertEquals(2, run("echo-load", "-c", "many"));
        assertTrue(err().contains("--connections must be a whole number, got many"), err());
        assertEquals(2, run("netty-echo", "--port", "70000"));
        assertTrue(err().contains("--port must be between 0 and 65535, got 70000"), err());
        assertEquals(2, run("compare-echo", "--duration", "-1"));
        assertTrue(err().contains("--duration must be between"), err());
    }

    @Test
    void strayArgumentExits2() {
        assertEquals(2, run("echo-load", "localhost"));
        assertTrue(err().contains("unexpected argument: localhost"), err());
    }

    @Test
    void helpGoesToStdoutAndExits0() {
        assertEquals(0, run("echo-load", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage:"));
        assertEquals("", err());
    }

    @Test
    void loadFlagsAndAliasesParse() {
        EchoLoadConfig config = Main.loadConfig(Args.parse(
                List.of("--host=::1", "--port", "9000", "-c", "8", "--size", "16384", "-d", "0.5", "--warmup", "2"),
                Set.of("host", "port", "connections", "size", "duration", "warmup", "loops"),
                Map.of("-c", "connections", "-d", "duration")));

        assertEquals(new EchoLoadConfig("::1", 9000, 8, 16384, Duration.ofMillis(500), Duration.ofSeconds(2), 1), config);
    }

    @Test
    void compareFlagsParse() {
        CompareConfig config = Main.compareConfig(Args.parse(
                List.of("--duration", "15", "--warmup", "5", "--rounds", "2", "--jvm-args", " -Xmx1g  -XX:+UseParallelGC",
                        "--csv", "/tmp/x.csv", "--bench-jar", "b.jar"),
                Set.of("duration", "warmup", "rounds", "csv", "examples-jar", "bench-jar", "server-cpu", "load-cpu",
                        "jvm-args", "jfr", "log-dir", "noise-limit", "retries"),
                Map.of()));

        assertEquals(Duration.ofSeconds(15), config.duration());
        assertEquals(2, config.rounds());
        assertEquals(List.of("-Xmx1g", "-XX:+UseParallelGC"), config.jvmArgs());
        assertEquals(Path.of("/tmp/x.csv"), config.csv());
        assertEquals(Path.of("b.jar"), config.benchJar());
        assertEquals(Path.of("examples/target/switchboard-examples.jar"), config.examplesJar());
        assertEquals(0, config.serverCpu());
        assertEquals(1, config.loadCpu());
        assertNull(config.jfrDir());
        assertEquals(0.05, config.noiseLimit(), 1e-9);
        assertEquals(2, config.retries());
    }

    @Test
    void loadNeedsAUrlAndParsesItsFlags() {
        assertEquals(2, run("load", "-c", "4"));
        assertTrue(err().contains("load needs a URL"), err());

        HttpLoadConfig config = Main.httpLoadConfig(Args.parse(
                List.of("-c", "8", "-d", "2", "--pipeline", "16", "--rate", "1000", "--method", "POST", "--body", "4096"),
                Set.of("connections", "duration", "warmup", "pipeline", "rate", "method", "body"),
                Map.of("-c", "connections", "-d", "duration")), "http://localhost:8080/echo?x=1");

        assertEquals(new HttpLoadConfig("localhost", 8080, "/echo?x=1", 8, Duration.ofSeconds(2), Duration.ZERO, 16,
                1000, "POST", 4096), config);
    }

    @Test
    void compareKnowsItsScenarios() {
        assertEquals(2, run("compare", "--scenarios", "http-plain,nope"));
        assertTrue(err().contains("unknown scenario nope"), err());

        SuiteConfig config = Main.suiteConfig(Args.parse(List.of("--scenarios", "kv,idle-10k,idle-10k-nopretouch",
                "--duration", "3", "--idle-rounds", "2"), Set.of("scenarios", "duration", "idle-rounds"), Map.of()));

        assertEquals(List.of("kv", "idle-10k", "idle-10k-nopretouch"),
                config.scenarios().stream().map(SuiteScenario::key).toList());
        assertEquals(Duration.ofSeconds(3), config.duration());
        assertEquals(Path.of("bench/results/compare.csv"), config.out());
        assertEquals(2, config.idleRounds());
        assertEquals(3, config.echoRounds());
    }

    @Test
    void echoLoadTakesTlsSwitchesAndATrustedCaFile() {
        EchoLoadConfig config = Main.loadConfig(Args.parse(List.of("--port", "7443", "--tls", "--tls-ca", "/run/cert.pem"),
                Set.of("port", "tls-ca"), LoadTls.SWITCHES, Map.of()));
        assertEquals(new LoadTls(Path.of("/run/cert.pem"), false), config.tls());
        assertEquals(List.of("--tls", "--tls-ca", "/run/cert.pem"), config.tls().flags());

        EchoLoadConfig insecure = Main.loadConfig(Args.parse(List.of("--tls", "--tls-insecure"), Set.of("tls-ca"),
                LoadTls.SWITCHES, Map.of()));
        assertEquals(new LoadTls(null, true), insecure.tls());
        assertNull(Main.loadConfig(Args.parse(List.of(), Set.of(), LoadTls.SWITCHES, Map.of())).tls(), "plain TCP");
    }

    @Test
    void tlsFlagsThatContradictOrLackTlsExit2() {
        assertEquals(2, run("echo-load", "--tls-insecure"));
        assertTrue(err().contains("--tls-insecure needs TLS"), err());
        assertEquals(2, run("echo-load", "--tls", "--tls-ca", "ca.pem", "--tls-insecure"));
        assertTrue(err().contains("--tls-ca and --tls-insecure exclude each other"), err());
        assertEquals(2, run("echo-load", "--tls=yes"));
        assertTrue(err().contains("--tls takes no value"), err());
        assertEquals(2, run("load", "--tls-insecure", "http://127.0.0.1:8080/"));
        assertTrue(err().contains("--tls-insecure needs TLS"), err());
        assertEquals(2, run("netty-http", "--tls-cert", "cert.pem"));
        assertTrue(err().contains("--tls-cert and --tls-key go together"), err());
        assertEquals(2, run("netty-echo", "--tls-cert", "/no/such/cert.pem", "--tls-key", "/no/such/key.pem"));
        assertTrue(err().contains("no such file: /no/such/cert.pem"), err());
    }

    @Test
    void anHttpsUrlTurnsTheHttpLoadsTlsOn() {
        HttpLoadConfig config = Main.httpLoadConfig(Args.parse(List.of("--tls-ca", "/run/cert.pem"), Set.of("tls-ca"),
                Set.of("tls-insecure"), Map.of()), "https://localhost/plaintext");

        assertEquals(new HttpLoadConfig("localhost", 443, "/plaintext", 64, Duration.ofSeconds(10), Duration.ZERO, 1, 0,
                "GET", 0, new LoadTls(Path.of("/run/cert.pem"), false)), config);
        assertEquals("https", config.scheme());
    }

    @Test
    void compareKnowsTheTlsScenariosAndTheCertificateType() {
        SuiteConfig config = Main.suiteConfig(Args.parse(List.of("--scenarios", "https-plain,https-pipe16,tls-echo-16k,"
                + "tls-handshake", "--tls-cert-type", "rsa2048"), Set.of("scenarios", "tls-cert-type"), Map.of()));

        assertEquals(List.of("https-plain", "https-pipe16", "tls-echo-16k", "tls-handshake"),
                config.scenarios().stream().map(SuiteScenario::key).toList());
        assertEquals(TestCertificate.KeyType.RSA2048, config.certificateType());
        assertEquals(Duration.ofSeconds(15), config.tlsWarmup(), "the TLS scenarios' longer warm-up by default");
        assertEquals(Duration.ofSeconds(60), config.warmup(SuiteScenario.byKey("tls-handshake")), "60 s of handshakes");
        assertEquals(Duration.ofSeconds(15), config.warmup(SuiteScenario.byKey("https-pipe16")));
        assertEquals(Duration.ofSeconds(5), config.warmup(SuiteScenario.byKey("http-plain")));
        assertEquals(TestCertificate.KeyType.P256, Main.suiteConfig(Args.parse(List.of(), Set.of(), Map.of()))
                .certificateType(), "P-256 by default");
        assertEquals(2, run("compare", "--tls-cert-type", "dsa"));
        assertTrue(err().contains("unknown certificate type dsa"), err());
    }
}
