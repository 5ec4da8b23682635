package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.examples.HttpExample;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP load generator over loopback against Switchboard's HTTP example, the Netty server and the floor. */
@Timeout(30)
class HttpLoadTest {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    private HttpLoadResult load(int port, String path, int pipeline, double rate, String method, int body)
            throws InterruptedException {
        HttpLoadConfig config = HttpLoadConfig.forUrl("http://127.0.0.1:" + port + path, 4, Duration.ofMillis(800),
                Duration.ZERO, pipeline, rate, method, body);
        return new HttpLoad(config, out).run();
    }

    @Test
    void closedLoopAgainstTheHttpExampleCountsRequestsAndNoErrors() throws Exception {
        try (Offload offload = Offload.create("test-offload");
             Server server = HttpExample.start("127.0.0.1", 0, 1, HttpConfig.DEFAULTS, offload)) {
            HttpLoadResult result = load(server.localAddress().getPort(), "/plaintext", 1, 0, "GET", 0);

            assertEquals(0, result.errors(), () -> "first error: " + result.firstError() + "\n" + output);
            assertTrue(result.requests() > 0, "no response");
            String text = output.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains(" req/s\n"), text);
            assertTrue(text.contains(EchoLoad.MEASURE_START) && text.contains(EchoLoad.MEASURE_END), text);
        }
    }

    @Test
    void pipelinedPostsOfLargeBodiesComeBackFromTheEchoRoute() throws Exception {
        try (Offload offload = Offload.create("test-offload");
             Server server = HttpExample.start("127.0.0.1", 0, 1, HttpConfig.DEFAULTS, offload)) {
            HttpLoadResult result = load(server.localAddress().getPort(), "/echo", 8, 0, "POST", 100_000);

            assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
            assertTrue(result.requests() > 0, "no response");
        }
    }

    @Test
    void constantRateModeSendsRequestsAndRecordsLatencies() throws Exception {
        Routes routes = Routes.builder().get("/", (req, res) -> res.send(HttpResponse.text("ok"))).build();
        try (Server server = Server.builder().port(0).workers(1).pipeline(new HttpService(routes)).start()) {
            HttpLoadResult result = load(server.localAddress().getPort(), "/", 4, 2000, "GET", 0);

            assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
            assertTrue(result.requests() > 0, "no response");
            assertTrue(result.latencies().getTotalCount() > 0);
        }
    }

    @Test
    void non2xxResponsesAreErrorsAndTheCommandExitsNonZero() throws Exception {
        Routes routes = Routes.builder().get("/", (req, res) -> res.send(HttpResponse.text("ok"))).build();
        try (Server server = Server.builder().port(0).workers(1).pipeline(new HttpService(routes)).start()) {
            int status = Main.run(List.of("load", "-c", "1", "-d", "0.3",
                    "http://127.0.0.1:" + server.localAddress().getPort() + "/missing"), out, out);

            assertEquals(1, status, output.toString(StandardCharsets.UTF_8));
            assertTrue(output.toString(StandardCharsets.UTF_8).contains("first error: status 404"));
        }
    }

    @Test
    void theNettyServerAnswersPlaintextAndEcho() throws Exception {
        try (NettyTcpServer server = NettyHttpServer.start("127.0.0.1", 0, 1)) {
            int port = server.localAddress().getPort();
            HttpLoadResult plain = load(port, "/plaintext", 16, 0, "GET", 0);
            HttpLoadResult echo = load(port, "/echo", 2, 0, "POST", 4096);

            assertEquals(0, plain.errors() + echo.errors(), () -> plain.firstError() + " / " + echo.firstError());
            assertTrue(plain.requests() > 0 && echo.requests() > 0);
        }
    }

    @Test
    void theFloorAnswersEveryPipelinedRequest() throws Exception {
        try (FloorServer server = FloorServer.start("127.0.0.1", 0, "floor-test",
                ch -> new FloorHttp(ch, FloorHttp.responses(), FloorHttp.response().length))) {
            HttpLoadResult result = load(server.localAddress().getPort(), "/plaintext", 100, 0, "GET", 0);

            assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
            assertTrue(result.requests() > 0);
        }
    }
}
