package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The udp-echo example in its own process, driven by socat, a client no one here wrote. */
class UdpEchoExampleIT {
    private final List<ExampleProcess> servers = new ArrayList<>();
    private final List<Process> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(Process::destroyForcibly);
        servers.forEach(ExampleProcess::close);
    }

    private int start(String... args) throws IOException {
        ExampleProcess p = ExampleProcess.start(args);
        servers.add(p);
        return p.awaitListening();
    }

    /**
     * socat as a UDP client: each line written to its stdin leaves as one datagram; what comes back is printed on
     * its stdout. Lines are sent one at a time, each after the echo of the one before, so none coalesce.
     */
    private List<String> pingPong(String address, List<String> lines) throws IOException {
        Process socat = new ProcessBuilder("socat", "-", address).redirectErrorStream(true).start();
        clients.add(socat);
        List<String> echoed = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(socat.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    echoed.add(line);
                }
            } catch (IOException ignored) {
                // socat ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        OutputStream in = socat.getOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            in.write((lines.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> echoed.size() >= expected);
        }
        return echoed;
    }

    @Test
    void socatGetsEachDatagramBackOverIpv4() throws Exception {
        Tools.require("socat", "socat");
        int port = start("udp-echo", "--port", "0");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add("datagram " + i + " " + "x".repeat(i * 50));
        }
        assertEquals(lines, pingPong("UDP:127.0.0.1:" + port, lines));
    }

    @Test
    void socatGetsItsDatagramBackOverIpv6AndWithSeveralWorkers() throws Exception {
        Tools.require("socat", "socat");
        int port = start("udp-echo", "--host", "::1", "--port", "0", "--workers", "2");
        assertEquals(List.of("over v6"), pingPong("UDP6:[::1]:" + port, List.of("over v6")));
    }

    @Test
    void stopsOnSigterm() throws Exception {
        ExampleProcess echo = ExampleProcess.start("udp-echo", "--port", "0");
        servers.add(echo);
        echo.awaitListening();
        echo.process.destroy();
        assertEquals(143, echo.awaitExit(Duration.ofSeconds(5)), "ended by SIGTERM within 5 s (128 + 15)");
        assertTrue(echo.stderr.stream().noneMatch(l -> l.contains("ERROR")), String.join("\n", echo.stderr));
    }
}
