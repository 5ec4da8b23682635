package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * curl through Debian's HAProxy to the http example run with {@code --proxy-protocol}: {@code GET /whoami} answers
 * curl's own address and port (as curl reports them with {@code -w}), not HAProxy's, in TCP mode with
 * {@code send-proxy-v2} and in HTTP mode with health checks against {@code /plaintext}; curl straight to the example,
 * without a header, gets no answer at all.
 */
class ProxyHttpIT {
    private ExampleProcess http;
    private int httpPort;
    private Haproxy haproxy;

    @BeforeEach
    void start() throws Exception {
        Tools.require("curl", "curl");
        Tools.require("haproxy", "haproxy");
        http = ExampleProcess.start("http", "--port", "0", "--workers", "1", "--proxy-protocol",
                "--trusted-proxy", "127.0.0.1");
        httpPort = http.awaitListening();
    }

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
        http.close();
    }

    /** curl {@code /whoami} through {@code port}: the body, then the address curl connected from. */
    private static List<String> whoami(int port) throws Exception {
        Tools.Result r = Tools.run(20, List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{local_ip}:%{local_port}",
                "http://127.0.0.1:" + port + "/whoami"));
        assertEquals(0, r.exit(), r.stderr());
        return r.stdout().lines().toList();
    }

    @Test
    void tcpModeWithSendProxyV2() throws Exception {
        int front = Haproxy.freePort();
        haproxy = Haproxy.start(String.join("\n",
                "global",
                "    maxconn 64",
                "    stats socket STATS_SOCKET mode 600 level admin",
                "defaults",
                "    mode tcp",
                "    timeout connect 2s",
                "    timeout client 30s",
                "    timeout server 30s",
                "frontend web",
                "    bind 127.0.0.1:" + front,
                "    default_backend http",
                "backend http",
                // a CRC32C field in every header: the server checks it
                "    server h1 127.0.0.1:" + httpPort + " send-proxy-v2 proxy-v2-options crc32c check inter 500ms",
                ""));
        haproxy.awaitUp("http", List.of("h1"));
        List<String> answer = whoami(front);
        assertEquals(2, answer.size(), answer.toString());
        assertEquals(answer.get(1), answer.get(0), "the server saw curl's own address and port through HAProxy");
    }

    @Test
    void httpModeWithHealthChecks() throws Exception {
        int front = Haproxy.freePort();
        haproxy = Haproxy.start(String.join("\n",
                "global",
                "    maxconn 64",
                "    stats socket STATS_SOCKET mode 600 level admin",
                "defaults",
                "    mode http",
                "    timeout connect 2s",
                "    timeout client 30s",
                "    timeout server 30s",
                "frontend web",
                "    bind 127.0.0.1:" + front,
                "    default_backend http",
                "backend http",
                "    option httpchk",
                "    http-check send meth GET uri /plaintext",
                "    http-check expect status 200",
                "    server h1 127.0.0.1:" + httpPort + " send-proxy-v2 check check-send-proxy inter 500ms",
                ""));
        haproxy.awaitUp("http", List.of("h1"));
        for (int i = 0; i < 3; i++) { // three connections: each gets its own PROXY header and its own port
            List<String> answer = whoami(front);
            assertEquals(answer.get(1), answer.get(0), "the server saw curl's own address and port through HAProxy");
        }
    }

    @Test
    void withoutAHeaderTheServerAnswersNothing() throws Exception {
        Tools.Result r = Tools.run(20, List.of("curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + httpPort + "/whoami"));
        assertNotEquals(0, r.exit(), "a listener that requires the header never guesses: " + r.stdout());
        assertEquals("", r.stdout());
    }
}
