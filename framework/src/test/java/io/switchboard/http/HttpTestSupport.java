package io.switchboard.http;

import io.switchboard.testing.EmbeddedConnection;
import java.util.ArrayList;
import java.util.List;

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
}
