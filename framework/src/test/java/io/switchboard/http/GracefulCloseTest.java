package io.switchboard.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.GracefulClose;
import io.switchboard.server.Server;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A graceful close answers what was read, then closes; a streamed body cut short ends with a reset. */
@Tag("hardening")
class GracefulCloseTest {
    private final HttpTestSupport http = new HttpTestSupport();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static List<Integer> statuses(List<Responses.Response> responses) {
        return responses.stream().map(Responses.Response::status).toList();
    }

    @Test
    void threePipelinedRequestsInFlightGetTheirThreeAnswersThenTheConnectionCloses() {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/later").repeat(3));
        assertEquals(3, http.pending.size());

        c.connection().closeGracefully();
        c.runPending();
        assertFalse(c.isClosed(), "three answers are owed");
        assertFalse(c.events().contains(GracefulClose.INSTANCE), "the HTTP handler takes the event");
        c.feed(HttpTestSupport.get("/plaintext"));
        assertEquals(3, http.seen.size(), "no new request is read after the graceful close");

        http.pending.get(1).send(HttpResponse.text("second"));
        http.pending.get(0).send(HttpResponse.text("first"));
        c.runPending();
        assertFalse(c.isClosed(), "the third answer is still owed");
        http.pending.get(2).send(HttpResponse.text("third"));
        c.runPending();

        List<Responses.Response> answers = Responses.parse(c.takeWritten());
        assertEquals(List.of("first", "second", "third"), answers.stream().map(Responses.Response::text).toList());
        assertNull(answers.get(0).header("Connection"));
        assertNull(answers.get(1).header("Connection"));
        assertEquals("close", answers.get(2).header("Connection"), "the last answer says the connection closes");
        assertTrue(c.isClosed());
        assertFalse(c.isAborted(), "every answer was complete: a clean close");
    }

    @Test
    void nothingOwedClosesAtOnce() {
        EmbeddedConnection c = http.connection();
        c.feed(HttpTestSupport.get("/plaintext"));
        c.takeWritten();
        c.connection().closeGracefully();
        c.runPending();
        assertTrue(c.isClosed());
        assertFalse(c.isAborted());
    }

    @Test
    void aRequestPartlyReceivedFinishesAndIsTheLastOneRead() {
        EmbeddedConnection head = http.connection();
        head.feed("GET /plaintext HTTP/1.1\r\nHo");
        head.connection().closeGracefully();
        head.runPending();
        head.feed("st: a\r\n\r\n" + HttpTestSupport.get("/plaintext"));
        List<Responses.Response> one = Responses.parse(head.takeWritten());
        assertEquals(List.of(200), statuses(one), "the request whose head was arriving is answered, the next is not read");
        assertEquals("close", one.get(0).header("Connection"));
        assertTrue(head.isClosed());

        EmbeddedConnection body = http.connection();
        body.feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello");
        body.connection().closeGracefully();
        body.runPending();
        assertFalse(body.isClosed(), "the body being read may finish");
        body.feed("world" + HttpTestSupport.get("/plaintext"));
        List<Responses.Response> echo = Responses.parse(body.takeWritten());
        assertEquals(1, echo.size());
        assertEquals("helloworld", echo.get(0).text());
        assertEquals("close", echo.get(0).header("Connection"));
        assertTrue(body.isClosed());
    }

    @Test
    void aStreamInFlightAtAGracefulCloseFinishesThenTheConnectionCloses() {
        AtomicReference<ResponseStream> stream = new AtomicReference<>();
        Routes routes = Routes.builder().get("/stream", (req, res) -> stream.set(res.stream(HttpResponse.of(200)))).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed(HttpTestSupport.get("/stream"));
        stream.get().write("one ");
        c.connection().closeGracefully();
        c.runPending();
        assertFalse(c.isClosed());
        stream.get().write("two");
        stream.get().end();
        c.runPending();
        assertEquals("one two", Responses.parse(c.takeWritten()).get(0).text());
        assertTrue(c.isClosed());
        assertFalse(c.isAborted());
    }

    @Test
    void closingInTheMiddleOfAStreamedBodyResets() {
        for (String version : List.of("HTTP/1.0", "HTTP/1.1")) {
            AtomicReference<ResponseStream> stream = new AtomicReference<>();
            Routes routes = Routes.builder().get("/stream", (req, res) -> stream.set(res.stream(HttpResponse.of(200)))).build();
            EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
            c.feed("GET /stream " + version + "\r\nHost: a\r\n\r\n");
            stream.get().write("part");
            c.runPending();
            c.connection().close();
            c.runPending();
            assertTrue(c.isAborted(), version + ": a body cut short by close() ends with a reset, not a clean FIN");
            assertFalse(stream.get().isOpen(), "the stream of a closed connection is closed at once");
        }
    }

    @Test
    void anHttp10StreamThatEndsClosesCleanly() {
        Routes routes = Routes.builder().get("/stream", (req, res) -> {
            ResponseStream s = res.stream(HttpResponse.of(200));
            s.write("all");
            s.end();
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.feed("GET /stream HTTP/1.0\r\n\r\n");
        assertTrue(c.takeWrittenString().endsWith("\r\n\r\nall"));
        assertTrue(c.isClosed());
        assertFalse(c.isAborted(), "a body that ended is delimited by a clean close");
    }

    /** A server whose {@code /delay?ms=N} answers from a timer and whose {@code /stream} writes one part and waits. */
    private Server server(List<Connection> connections, AtomicInteger requests) {
        Routes routes = Routes.builder()
                .get("/delay", (req, res) -> {
                    requests.incrementAndGet();
                    int ms = Integer.parseInt(req.queryParam("ms"));
                    res.loop().schedule(() -> res.send(HttpResponse.text("delayed " + ms)), ms, TimeUnit.MILLISECONDS);
                })
                .get("/stream", (req, res) -> {
                    requests.incrementAndGet();
                    res.stream(HttpResponse.of(200)).write("part 1\n");
                })
                .build();
        HttpService service = new HttpService(routes);
        Server server = Server.builder().workers(2).pipeline(p -> {
            service.accept(p);
            connections.add(p.connection());
        }).start();
        toClose.add(server);
        return server;
    }

    private Socket connect(Server server) throws IOException {
        Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        socket.setSoTimeout(20_000);
        toClose.add(socket);
        return socket;
    }

    @Test
    void delayedRequestsInFlightAtAGracefulCloseAllGetTheir200() throws Exception {
        List<Connection> connections = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        Server server = server(connections, requests);
        int clients = 20;
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Socket s = connect(server);
            // Each client pipelines two: 40 requests in flight, answered 500 ms after they were read.
            s.getOutputStream().write(("GET /delay?ms=500 HTTP/1.1\r\nHost: t\r\n\r\n").repeat(2)
                    .getBytes(StandardCharsets.US_ASCII));
            sockets.add(s);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 2 * clients);

        connections.forEach(Connection::closeGracefully);

        for (Socket s : sockets) {
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(2, count(all, "HTTP/1.1 200 OK\r\n"), "both requests in flight at the close get their 200: " + all);
            assertEquals(2, count(all, "delayed 500"), all);
            assertEquals(1, count(all, "Connection: close\r\n"), "the last answer carries Connection: close: " + all);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.stream().noneMatch(Connection::isOpen));
    }

    @Test
    void anHttp10StreamCutByACloseEndsWithAResetNotEof() throws Exception {
        List<Connection> connections = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        Server server = server(connections, requests);
        Socket s = connect(server);
        s.getOutputStream().write("GET /stream HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.US_ASCII).endsWith("part 1\n")) {
            int b = in.read();
            assertTrue(b >= 0, "EOF before the first part: " + got);
            got.write(b);
        }
        assertFalse(got.toString(StandardCharsets.US_ASCII).contains("chunked"), "HTTP/1.0: the body ends with the connection");

        connections.get(0).close();

        SocketException reset = assertThrows(SocketException.class, in::readAllBytes,
                "a body cut short must not end with a clean FIN, which an HTTP/1.0 client takes for the whole body");
        assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
    }

    @Test
    void anHttp10StreamCutByTheLoopStoppingEndsWithAResetNotEof() throws Exception {
        List<Connection> connections = new CopyOnWriteArrayList<>();
        io.switchboard.loop.LoopGroup loops = new io.switchboard.loop.LoopGroup("cut-test", 1);
        Routes routes = Routes.builder()
                .get("/stream", (req, res) -> res.stream(HttpResponse.of(200)).write("part 1\n"))
                .build();
        HttpService service = new HttpService(routes);
        Server server = Server.builder().loops(loops).pipeline(p -> {
            service.accept(p);
            connections.add(p.connection());
        }).start();
        toClose.add(server);
        Socket s = connect(server);
        s.getOutputStream().write("GET /stream HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.US_ASCII).endsWith("part 1\n")) {
            int b = in.read();
            assertTrue(b >= 0, "EOF before the first part: " + got);
            got.write(b);
        }

        // Not the server's graceful close: the loops themselves stop under the stream.
        assertTrue(loops.shutdown(Duration.ofSeconds(10)));

        SocketException reset = assertThrows(SocketException.class, in::readAllBytes,
                "a body cut by a stopping loop must not end with a clean FIN either");
        assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
