package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite's command lines for the TLS scenarios: certificate flags, https URLs, TLS load flags, s_time. */
class SuiteCommandsTest {
    private static final TestCertificate CERT = new TestCertificate(Path.of("/run/cert.pem"), Path.of("/run/key.pem"),
            TestCertificate.KeyType.P256);
    private final SuiteConfig config = new SuiteConfig(SuiteScenario.ALL, Duration.ofSeconds(10), Duration.ofSeconds(5),
            Path.of("out.csv"), Path.of("ex.jar"), Path.of("bench.jar"), Path.of("bench.lua"), 0, 1, List.of("-Xmx256m"),
            List.of("-Xmx1g"), 10, Path.of("logs"), 0.1, 1, 3, 3, TestCertificate.KeyType.P256, Duration.ofSeconds(15),
            Duration.ofSeconds(60), 60);
    private final SuiteCommands commands = new SuiteCommands(config);

    @Test
    void tlsServersServeTheRunsCertificateAndPlaintextOnesDoNot() {
        List<String> sb = commands.server(SuiteScenario.byKey("https-plain"), SuiteScenario.SWITCHBOARD, 0, CERT);
        List<String> netty = commands.server(SuiteScenario.byKey("tls-echo-16k"), SuiteScenario.NETTY, 0, CERT);
        List<String> plain = commands.server(SuiteScenario.byKey("http-plain"), SuiteScenario.SWITCHBOARD, 0, CERT);

        assertEquals(List.of("http", "--idle-timeout", "3600", "--request-timeout", "3600", "--workers", "1", "--host",
                "127.0.0.1", "--port", "0", "--tls-cert", "/run/cert.pem", "--tls-key", "/run/key.pem"),
                sb.subList(sb.indexOf("ex.jar") + 1, sb.size()));
        assertEquals(List.of("netty-echo", "--workers", "1", "--host", "127.0.0.1", "--port", "0", "--tls-cert",
                "/run/cert.pem", "--tls-key", "/run/key.pem"), netty.subList(netty.indexOf("bench.jar") + 1, netty.size()));
        assertFalse(plain.contains("--tls-cert"), plain.toString());
    }

    @Test
    void theObserveScenarioRunsTheHttpExampleWithAndWithoutMetricsAndUnderARecording() {
        SuiteScenario observe = SuiteScenario.byKey("http-plain-observe");
        assertTrue(observe.variants());
        List<String> off = commands.server(observe, SuiteScenario.SB_NO_METRICS, 0);
        List<String> on = commands.server(observe, SuiteScenario.SB_METRICS, 0);
        List<String> plain = commands.server(observe, SuiteScenario.SWITCHBOARD, 0);
        List<String> jfr = commands.server(observe, SuiteScenario.SB_JFR, 0);
        assertTrue(off.contains("--no-metrics") && !off.contains("--metrics"), off.toString());
        assertTrue(on.contains("--metrics") && !on.contains("--no-metrics"), on.toString());
        assertFalse(plain.contains("--metrics") || plain.contains("--no-metrics"), plain.toString());
        int recording = jfr.indexOf("-XX:StartFlightRecording=settings=default,maxage=2m");
        assertTrue(recording > 0 && recording < jfr.indexOf("-jar"), "a JVM flag, before -jar: " + jfr);
        assertEquals(plain.size() + 1, jfr.size(), "the same command otherwise: " + jfr);
        assertFalse(plain.stream().anyMatch(a -> a.startsWith("-XX:StartFlightRecording")));
    }

    @Test
    void aTlsScenarioNeedsACertificateAndAServerWithTls() {
        assertThrows(IllegalArgumentException.class,
                () -> commands.server(SuiteScenario.byKey("https-plain"), SuiteScenario.SWITCHBOARD, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> commands.server(SuiteScenario.byKey("https-plain"), SuiteScenario.FLOOR, 0, CERT));
    }

    @Test
    void wrkSpeaksHttpsAndEchoLoadTrustsTheCertificate() {
        List<String> wrk = commands.wrk(8443, true, "/plaintext", Duration.ofSeconds(10), List.of("pipeline", "16"));
        List<String> echo = commands.echoLoad(7443, 16384, 16, CERT);

        assertTrue(wrk.contains("https://127.0.0.1:8443/plaintext"), wrk.toString());
        assertEquals(List.of("--", "pipeline", "16"), wrk.subList(wrk.size() - 3, wrk.size()));
        assertEquals(List.of("--tls", "--tls-ca", "/run/cert.pem"), echo.subList(echo.size() - 3, echo.size()));
        assertEquals("15.000", echo.get(echo.indexOf("--warmup") + 1), "the TLS warm-up");
        assertEquals("5.000", commands.echoLoad(7000, 128, 64).get(echo.indexOf("--warmup") + 1), "the plaintext warm-up");
        assertFalse(commands.echoLoad(7000, 128, 64).contains("--tls"));
    }

    @Test
    void handshakesRunSixteenFreshOpensslClientsOnTheLoadCpu() {
        List<String> c = commands.handshakes(8443, Duration.ofMillis(9_600));

        assertEquals(List.of("taskset", "-c", "1"), c.subList(0, 3));
        String script = c.stream().filter(a -> a.contains("s_time")).findFirst().orElseThrow();
        assertTrue(script.contains("openssl s_time -connect \"$2\" -new -tls1_3 -www /plaintext -time \"$3\" &"), script);
        assertTrue(script.endsWith("echo \"" + SuiteCommands.S_TIME_FAILED + " $failed\""), script);
        assertEquals(List.of(Integer.toString(SuiteScenario.HANDSHAKE_CLIENTS), "127.0.0.1:8443", "10"),
                c.subList(c.size() - 3, c.size()), "client count, address, whole seconds");
        assertEquals(List.of("bash", "-c", script, "bash"), c.subList(c.indexOf(script) - 2, c.indexOf(script) + 2));
        String handshakeOnly = commands.handshakes(7443, Duration.ofSeconds(10), false).stream()
                .filter(a -> a.contains("s_time")).findFirst().orElseThrow();
        assertTrue(handshakeOnly.contains("-new -tls1_3 -time") && !handshakeOnly.contains("-www"),
                "an echo server would echo the GET and never close: " + handshakeOnly);
    }

    @Test
    void theWebSocketScenariosRunTheHttpExampleTheBroadcastServerAndNettysWebSocketServer() {
        List<String> echo = commands.server(SuiteScenario.byKey("ws-echo-128"), SuiteScenario.SWITCHBOARD, 0);
        List<String> broadcast = commands.server(SuiteScenario.byKey("ws-broadcast-10k"), SuiteScenario.SWITCHBOARD, 0);
        List<String> netty = commands.server(SuiteScenario.byKey("ws-broadcast-10k"), SuiteScenario.NETTY, 0);
        List<String> idle = commands.server(SuiteScenario.byKey("ws-idle-10k-deflate"), SuiteScenario.NETTY, 0);

        assertEquals(List.of("http", "--idle-timeout", "3600", "--request-timeout", "3600", "--workers", "1", "--host",
                "127.0.0.1", "--port", "0"), echo.subList(echo.indexOf("ex.jar") + 1, echo.size()));
        assertEquals(List.of("ws-broadcast", "--workers", "1", "--host", "127.0.0.1", "--port", "0"),
                broadcast.subList(broadcast.indexOf("bench.jar") + 1, broadcast.size()));
        assertEquals("netty-ws", netty.get(netty.indexOf("bench.jar") + 1));
        List<String> floor = commands.server(SuiteScenario.byKey("ws-echo-128"), SuiteScenario.FLOOR, 0);
        assertEquals("floor-ws", floor.get(floor.indexOf("bench.jar") + 1));
        assertTrue(netty.contains("-Xmx256m") && !netty.contains(SuiteConfig.PRE_TOUCH), netty.toString());
        assertTrue(idle.contains("-Xmx1g") && idle.contains(SuiteConfig.PRE_TOUCH), "idle: the idle flags, pre-touched: " + idle);
    }

    @Test
    void theWebSocketLoadsTakeTheirRoutesConnectionsAndRounds() {
        List<String> load = commands.wsLoad(8080, 128, 64);
        List<String> broadcast = commands.wsBroadcastLoad(8084);
        List<String> idle = commands.idleClients(SuiteScenario.byKey("ws-idle-10k"), 8080);
        List<String> deflate = commands.idleClients(SuiteScenario.byKey("ws-idle-10k-deflate"), 8080);

        assertEquals(List.of("taskset", "-c", "1"), load.subList(0, 3));
        assertEquals(List.of("ws-load", "--host", "127.0.0.1", "--port", "8080", "--path", "/ws/echo", "-c", "64", "--size",
                "128", "--warmup", "5.000", "-d", "10.000"), load.subList(load.indexOf("bench.jar") + 1, load.size()));
        assertEquals(List.of("ws-broadcast-load", "--host", "127.0.0.1", "--port", "8084", "--path", "/ws/broadcast", "-c",
                "10", "--size", "128", "--rounds", "60"), broadcast.subList(broadcast.indexOf("bench.jar") + 1, broadcast.size()));
        assertTrue(broadcast.get(2).startsWith("ulimit -n hard"), "10,000 sockets need the hard limit: " + broadcast);
        assertEquals(List.of("ws-idle-clients", "--port", "8080", "-c", "10", "--path", "/ws/echo"),
                idle.subList(idle.indexOf("bench.jar") + 1, idle.size()));
        assertEquals("--deflate", deflate.get(deflate.size() - 1));
        assertEquals("idle-clients", commands.idleClients(SuiteScenario.byKey("idle-10k"), 8080)
                .get(idle.indexOf("bench.jar") + 1), "the HTTP idle scenarios keep their clients");
    }

    @Test
    void theHttp2ScenarioRunsH2loadAgainstTheHttpExampleAndNettysH2cServer() {
        SuiteScenario h2 = SuiteScenario.byKey("h2-plain");
        List<String> sb = commands.server(h2, SuiteScenario.SWITCHBOARD, 0);
        List<String> netty = commands.server(h2, SuiteScenario.NETTY, 0);
        assertEquals("http", sb.get(sb.indexOf("ex.jar") + 1), "the http example, on its HTTP/1 port");
        assertEquals(List.of("netty-h2", "--workers", "1", "--host", "127.0.0.1", "--port", "0"),
                netty.subList(netty.indexOf("bench.jar") + 1, netty.size()));
        List<String> load = commands.h2load(8080, java.time.Duration.ofSeconds(10));
        assertEquals(List.of("taskset", "-c", "1"), load.subList(0, 3));
        assertEquals(List.of("h2load", "-t1", "-c64", "-m16", "-D10", "http://127.0.0.1:8080/plaintext"),
                load.subList(load.indexOf("h2load"), load.size()));
    }

    @Test
    void theRapidResetScenarioAttacksTheHttpExampleAndNettysH2cServerFromTheLoadCpu() {
        SuiteScenario attack = SuiteScenario.byKey("h2-rapid-reset");
        List<String> sb = commands.server(attack, SuiteScenario.SWITCHBOARD, 0);
        List<String> netty = commands.server(attack, SuiteScenario.NETTY, 0);
        assertEquals(List.of("taskset", "-c", "0"), sb.subList(sb.indexOf("taskset"), sb.indexOf("taskset") + 3));
        assertEquals("http", sb.get(sb.indexOf("ex.jar") + 1), "the http example with its default limits");
        assertEquals(List.of("netty-h2", "--workers", "1", "--host", "127.0.0.1", "--port", "0"),
                netty.subList(netty.indexOf("bench.jar") + 1, netty.size()));
        List<String> attacker = commands.rapidReset(8080, java.time.Duration.ofSeconds(10));
        assertEquals(List.of("taskset", "-c", "1"), attacker.subList(0, 3));
        assertEquals(List.of("rapid-reset-load", "--host", "127.0.0.1", "--port", "8080", "--connections", "16",
                "--duration", "10.000"), attacker.subList(attacker.indexOf("bench.jar") + 1, attacker.size()));
        List<String> legit = commands.legitH2load(8080, java.time.Duration.ofSeconds(10));
        assertEquals(List.of("h2load", "-t1", "-c4", "-m10", "-D10", "http://127.0.0.1:8080/plaintext"),
                legit.subList(legit.indexOf("h2load"), legit.size()));
        assertEquals("reset", attack.unit());
    }

    @Test
    void theGzipScenarioCompressesAtTheSameLevelOnBothServers() {
        SuiteScenario gzip = SuiteScenario.byKey("http-gzip-64k");
        List<String> sb = commands.server(gzip, SuiteScenario.SWITCHBOARD, 0);
        List<String> netty = commands.server(gzip, SuiteScenario.NETTY, 0);
        assertEquals(List.of("http", "--idle-timeout", "3600", "--request-timeout", "3600", "--workers", "1", "--compress",
                "6", "--host", "127.0.0.1", "--port", "0"), sb.subList(sb.indexOf("ex.jar") + 1, sb.size()));
        assertEquals(List.of("netty-http", "--workers", "1", "--compress", "6", "--host", "127.0.0.1", "--port", "0"),
                netty.subList(netty.indexOf("bench.jar") + 1, netty.size()));
        assertFalse(commands.server(SuiteScenario.byKey("http-plain"), SuiteScenario.SWITCHBOARD, 0).contains("--compress"),
                "the other HTTP scenarios run without compression");
    }
}
