package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.body;
import static io.switchboard.http2.H2TestClient.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.server.Server;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2c with prior knowledge on the HTTP/1 port: the service's HTTP/1 connection sees the preface's first line and
 * hands the connection to HTTP/2; HTTP/1 requests are served as before; and curl speaks HTTP/2 to a real server.
 */
class Http2PriorKnowledgeTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    /** The routes over HTTP/1, and HTTP/2 with prior knowledge. */
    private static HttpService service() {
        return http1Only().withPriorKnowledge(Http2Server.DEFAULTS);
    }

    /** The routes over HTTP/1 only: the default of a service. */
    private static HttpService http1Only() {
        return new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/hello", (req, res) -> res.send(HttpResponse.text("hello over " + req.version())))
                .post("/sha", (req, res) -> {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    res.send(HttpResponse.text(req.body().length + " " + HexFormat.of().formatHex(sha.digest(req.body()))));
                })
                .build());
    }

    @Test
    void thePrefaceSwitchesTheConnectionWhateverItsSplit() {
        for (int cut = 1; cut < PREFACE.length; cut++) {
            EmbeddedConnection conn = new EmbeddedConnection(service());
            conn.feed(PREFACE, 0, cut);
            conn.feed(PREFACE, cut, PREFACE.length - cut);
            H2TestClient c = new H2TestClient(conn);
            c.writer.settings(Http2Settings.DEFAULTS);
            c.writer.settingsAck();
            c.read();
            List<H2TestClient.Frame> got = c.request(1, "GET", "/hello", true).read();
            assertEquals("hello over HTTP/2", body(got, 1), "preface cut at " + cut);
        }
    }

    @Test
    void http1RequestsAreServedAsBefore() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        String answer = conn.takeWrittenString();
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.endsWith("hello over HTTP/1.1"), answer);
        conn.feed("P");
        conn.feed("UT /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        assertTrue(conn.takeWrittenString().startsWith("HTTP/1.1 405"), "a later request starting with P is HTTP/1");
    }

    @Test
    void aFirstRequestThatStartsLikeThePrefaceIsHttp1() {
        EmbeddedConnection conn = new EmbeddedConnection(service());
        conn.feed("POST /sha HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nab");
        String answer = conn.takeWrittenString();
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }

    @Test
    void withoutHttp2ThePrefaceIsAMalformedHttp1Request() {
        EmbeddedConnection conn = new EmbeddedConnection(http1Only());
        conn.feed(PREFACE);
        String answer = conn.takeWrittenString();
        assertTrue(answer.startsWith("HTTP/1.1 "), "an HTTP/1 refusal, not SETTINGS: " + answer);
        assertTrue(!answer.startsWith("HTTP/1.1 2"), answer);
    }

    @Test
    void curlAndNghttpWithPriorKnowledge() throws Exception {
        requireCurl();
        Server server = Server.builder().host("127.0.0.1").port(0).workers(1).pipeline(service()).start();
        try {
            String base = "http://127.0.0.1:" + server.localAddress().getPort();
            Result get = run(List.of("curl", "-sS", "--http2-prior-knowledge", "-w", " %{http_version}",
                    base + "/hello"));
            assertEquals("hello over HTTP/2 2", get.out, get.err);

            byte[] upload = new byte[3 * 1024 * 1024]; // 3 MiB: past every window, so WINDOW_UPDATEs must flow
            new Random(17).nextBytes(upload);
            Path file = dir.resolve("upload.bin");
            Files.write(file, upload);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
            Result post = run(List.of("curl", "-sS", "--http2-prior-knowledge", "--data-binary", "@" + file,
                    base + "/sha"));
            assertEquals(upload.length + " " + sha, post.out, post.err);

            // curl 7.88 cannot reuse a prior-knowledge connection for parallel transfers (curl#10634, fixed in
            // curl 8.0): nghttp, which always multiplexes on one connection, sends the concurrent streams.
            requireTool("nghttp", "nghttp2-client");
            List<String> many = new ArrayList<>(List.of("nghttp"));
            for (int i = 0; i < 10; i++) {
                many.add(base + "/hello?n=" + i);
            }
            Result parallel = run(many);
            assertEquals("hello over HTTP/2".repeat(10), parallel.out, "10 streams on one connection: " + parallel.err);
        } finally {
            server.close();
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish within 30 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1),
                new String(err, StandardCharsets.ISO_8859_1));
    }

    private static void requireCurl() {
        requireTool("curl", "curl");
    }

    /** Skips the test when {@code command} is missing, or fails it under CI (CI=true). */
    private static void requireTool(String command, String debianPackage) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return;
            }
        }
        String message = command + " is not installed: apt-get install " + debianPackage;
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }
}
