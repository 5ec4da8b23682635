package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Netty h2c peer answers curl speaking HTTP/2 with prior knowledge: the routes, their bodies, a 404. */
class NettyH2ServerTest {
    @Test
    void curlWithPriorKnowledgeGetsTheRoutesOverHttp2() throws Exception {
        requireCurl();
        try (NettyTcpServer server = NettyH2Server.start("127.0.0.1", 0, 1)) {
            String base = "http://127.0.0.1:" + server.localAddress().getPort();
            assertEquals("2 200 Hello, World!", curl(base + "/plaintext"), "HTTP version, status and body");
            assertEquals("2 200 {\"message\":\"Hello, World!\"}", curl(base + "/json"));
            assertEquals("2 404 ", curl(base + "/nowhere"));
        }
    }

    /** {@return "VERSION STATUS BODY" of a GET with {@code curl --http2-prior-knowledge}} */
    private static String curl(String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code}",
                url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl finished");
        int cut = out.lastIndexOf('\n');
        return out.substring(cut + 1) + " " + out.substring(0, cut);
    }

    private static void requireCurl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "curl"))) {
                return;
            }
        }
        String message = "curl is not installed: apt-get install curl";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }
}
