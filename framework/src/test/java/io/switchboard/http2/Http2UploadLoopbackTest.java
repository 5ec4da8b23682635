package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.http.BodyPolicy;
import io.switchboard.http.CompressionOptions;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curl over h2c with prior knowledge against a real server: a streamed upload read by a blocking reader, and gzip. */
class Http2UploadLoopbackTest {
    private static final String TEXT = "each call patched through to one line; ".repeat(500); // 19,500 B

    @TempDir
    Path dir;

    @Test
    void curlUploadsToAStreamedRouteAndGetsGzip() throws Exception {
        requireTool("curl", "curl");
        try (Offload offload = Offload.create("h2-upload")) {
            HttpService service = new HttpService(HttpConfig.DEFAULTS.withCompression(CompressionOptions.DEFAULTS),
                    Routes.builder()
                            .put("/digest", HttpHandler.withBody(BodyPolicy.stream(Long.MAX_VALUE),
                                    HttpHandler.offload(offload, (req, res) -> {
                                        MessageDigest sha = MessageDigest.getInstance("SHA-256");
                                        long n = 0;
                                        byte[] buffer = new byte[8192];
                                        try (InputStream in = req.bodyStream()) {
                                            for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
                                                sha.update(buffer, 0, r);
                                                n += r;
                                            }
                                        }
                                        res.send(HttpResponse.text(n + " " + HexFormat.of().formatHex(sha.digest())));
                                    })))
                            .get("/text", (req, res) -> res.send(HttpResponse.text(TEXT)))
                            .build()).withPriorKnowledge(Http2Server.DEFAULTS);
            Server server = Server.builder().host("127.0.0.1").port(0).workers(1).pipeline(service).start();
            try {
                String base = "http://127.0.0.1:" + server.localAddress().getPort();
                // 20 MiB: 80 stream windows of 256 KiB, each given back only as the offloaded reader takes it.
                byte[] upload = new byte[20 * 1024 * 1024];
                new Random(5).nextBytes(upload);
                Path file = dir.resolve("upload.bin");
                Files.write(file, upload);
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
                Result put = run(List.of("curl", "-sS", "--http2-prior-knowledge", "-T", file.toString(),
                        base + "/digest"));
                assertEquals(upload.length + " " + sha, put.out, put.err);

                Result get = run(List.of("curl", "-sS", "--http2-prior-knowledge", "--compressed", "-D", "-",
                        base + "/text"));
                String[] parts = get.out.split("\r\n\r\n", 2);
                String head = parts[0].toLowerCase(java.util.Locale.ROOT);
                assertTrue(head.contains("content-encoding: gzip"), head);
                assertTrue(head.contains("vary: accept-encoding"), head);
                assertEquals(TEXT, parts[1], "curl decoded the gzip body");
            } finally {
                server.close();
            }
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
