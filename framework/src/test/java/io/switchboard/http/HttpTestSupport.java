package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.testing.EmbeddedConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** An HTTP connection in memory with routes that record what they were given. */
final class HttpTestSupport {
    final List<HttpRequest> seen = new ArrayList<>();
    final List<HttpResponder> pending = new ArrayList<>();

    final Routes routes = Routes.builder()
            .get("/plaintext", (req, res) -> {
                seen.add(req);
                res.send(HttpResponse.of(200).header("Content-Type", "text/plain").body("Hello, World!"));
            })
            .post("/echo", (req, res) -> {
                seen.add(req);
                res.send(HttpResponse.of(200).header("Content-Type", "application/octet-stream").body(req.body()));
            })
            .get("/later", (req, res) -> {
                seen.add(req);
                pending.add(res);
            })
            .get("/boom", (req, res) -> {
                throw new IllegalStateException("handler bug");
            })
            .build();

    EmbeddedConnection connection() {
        return connection(HttpConfig.DEFAULTS);
    }

    EmbeddedConnection connection(HttpConfig config) {
        return new EmbeddedConnection(p -> new HttpService(config, routes).accept(p));
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    /** Skips the test when curl is missing, or fails it under CI (CI=true), where it must be installed. */
    static void requireCurl() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, "curl"))) {
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
