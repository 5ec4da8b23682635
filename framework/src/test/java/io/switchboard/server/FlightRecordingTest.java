package io.switchboard.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketHandler;
import io.switchboard.websocket.WebSocketUpgrade;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.EventSettings;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JFR recording in this process while real connections cross a server: the connection, HTTP request and WebSocket
 * session events appear with their fields, and the events exist (are registered) only while a recording runs.
 */
class FlightRecordingTest {
    private static final List<String> EVENTS = List.of("io.switchboard.ConnectionOpened", "io.switchboard.ConnectionClosed",
            "io.switchboard.HttpRequest", "io.switchboard.WebSocketSession");
    private static final String HEAD = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String LAST = "GET /missing HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    private static final int ANSWER_BODY = "hello".length();
    private static final int SLOW_MS = 40;

    private final List<RecordedEvent> recorded = new CopyOnWriteArrayList<>();
    private RecordingStream stream;
    private Server server;
    private Client client;
    private WebSocketUpgrade ws;

    @BeforeEach
    void start() {
        ws = WebSocketUpgrade.builder(request -> new WebSocketHandler() {
            @Override
            public void onText(WebSocket socket, String text) {
                socket.close(4001, "done with " + text);
            }
        }).build();
        Routes routes = Routes.builder()
                .get("/hello", (req, res) -> res.send(HttpResponse.of(200).body("hello")))
                .get("/ws", ws)
                .get("/slow", (req, res) -> res.loop().schedule(() -> res.send(HttpResponse.of(200).body("late")),
                        SLOW_MS, TimeUnit.MILLISECONDS))
                .build();
        server = Server.builder().workers(1).pipeline(new HttpService(routes)).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (stream != null) {
            stream.close();
        }
        if (client != null) {
            client.close();
        }
        server.close();
    }

    /** Records every request, whatever its duration, as {@code io.switchboard.HttpRequest#threshold=0 ms} does. */
    private void record() {
        record(true);
    }

    /** Records the events; every request, or only those from the event's default threshold (10 ms) on. */
    private void record(boolean everyRequest) {
        stream = new RecordingStream();
        stream.setReuse(false); // the events are kept after the callback
        for (String name : EVENTS) {
            EventSettings settings = stream.enable(name);
            if (everyRequest && name.equals("io.switchboard.HttpRequest")) {
                settings.withoutThreshold();
            }
            stream.onEvent(name, recorded::add);
        }
        stream.startAsync();
    }

    private List<RecordedEvent> named(String name) {
        return recorded.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }

    private static boolean registered(String name) {
        return FlightRecorder.getFlightRecorder().getEventTypes().stream().map(EventType::getName).anyMatch(name::equals);
    }

    /** Three pipelined requests on one connection, the last with Connection: close; returns the client's port. */
    private int exchange() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((HEAD + HEAD + LAST).getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String answers = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(3, answers.split("HTTP/1.1 ", -1).length - 1, answers);
            return s.getLocalPort();
        }
    }

    @Test
    void aRecordingShowsEachConnectionAndEachRequestWithTheirFields() throws Exception {
        // no recording runs yet (a stream of an earlier test may still be closing): the events are not registered
        await().atMost(10, TimeUnit.SECONDS).until(() -> !registered("io.switchboard.HttpRequest"));
        record();
        await().atMost(10, TimeUnit.SECONDS).until(() -> registered("io.switchboard.HttpRequest"));

        int clientPort = exchange();
        String peer = ":" + clientPort;

        // 3 requests: 2 answered 200 by the route /hello, 1 answered 404 (no route)
        await().atMost(15, TimeUnit.SECONDS).until(() -> named("io.switchboard.HttpRequest").size() >= 3
                && named("io.switchboard.ConnectionClosed").stream().anyMatch(e -> e.getString("remoteAddress").endsWith(peer)));
        List<RecordedEvent> requests = named("io.switchboard.HttpRequest").stream()
                .filter(e -> e.getString("remoteAddress").endsWith(peer)).collect(Collectors.toList());
        assertEquals(3, requests.size(), requests.toString());
        for (RecordedEvent r : requests.subList(0, 2)) {
            assertEquals("GET", r.getString("method"));
            assertEquals("/hello", r.getString("route"));
            assertEquals("/hello", r.getString("path"));
            assertEquals(200, r.getInt("status"));
            assertEquals(ANSWER_BODY, r.getLong("responseBytes"));
            assertEquals(0, r.getLong("requestBytes"));
            assertTrue(r.getThread().getJavaName().startsWith("switchboard-worker"), "committed on the loop: " + r);
        }
        RecordedEvent missing = requests.get(2);
        assertEquals(404, missing.getInt("status"));
        assertEquals("", missing.getString("route"), "no route matched");
        assertEquals("/missing", missing.getString("path"));

        RecordedEvent opened = named("io.switchboard.ConnectionOpened").stream()
                .filter(e -> e.getString("remoteAddress").endsWith(peer)).findFirst().orElseThrow();
        assertTrue(opened.getBoolean("accepted"));
        assertTrue(opened.getString("localAddress").endsWith(":" + server.localAddress().getPort()), opened.toString());
        RecordedEvent closed = named("io.switchboard.ConnectionClosed").stream()
                .filter(e -> e.getString("remoteAddress").endsWith(peer)).findFirst().orElseThrow();
        assertEquals((HEAD + HEAD + LAST).length(), closed.getLong("bytesIn"), "every byte the client sent");
        assertTrue(closed.getLong("bytesOut") > 3 * ANSWER_BODY, "the three answers: " + closed);
        assertEquals("closed", closed.getString("reason"), "the server closed after Connection: close: " + closed);
        assertTrue(closed.getDuration("lifetime").toNanos() >= 0, closed.toString());
        assertTrue(closed.getStartTime().compareTo(opened.getStartTime()) >= 0);

        stream.close();
        stream = null;
        await().atMost(10, TimeUnit.SECONDS).until(() -> !registered("io.switchboard.HttpRequest"));
    }

    @Test
    void underTheEventsOwnSettingsOnlyRequestsFromTheThresholdOnAreRecorded() throws Exception {
        await().atMost(10, TimeUnit.SECONDS).until(() -> !registered("io.switchboard.HttpRequest"));
        record(false);
        await().atMost(10, TimeUnit.SECONDS).until(() -> registered("io.switchboard.HttpRequest"));
        int clientPort;
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            String fast = HEAD.repeat(20);
            String slow = "GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write((fast + slow).getBytes(StandardCharsets.US_ASCII));
            String answers = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(21, answers.split("HTTP/1.1 200 ", -1).length - 1, answers);
            clientPort = s.getLocalPort();
        }
        String peer = ":" + clientPort;
        await().atMost(15, TimeUnit.SECONDS).until(() -> named("io.switchboard.HttpRequest").stream()
                .anyMatch(e -> e.getString("remoteAddress").endsWith(peer) && e.getString("route").equals("/slow")));
        List<RecordedEvent> requests = named("io.switchboard.HttpRequest").stream()
                .filter(e -> e.getString("remoteAddress").endsWith(peer)).collect(Collectors.toList());
        RecordedEvent slow = requests.stream().filter(e -> e.getString("route").equals("/slow")).findFirst().orElseThrow();
        assertTrue(slow.getDuration().toMillis() >= SLOW_MS, "it spans the timer's wait: " + slow);
        // 20 requests answered at once and one after a 40 ms timer: only requests of 10 ms or more are kept
        for (RecordedEvent r : requests) {
            assertTrue(r.getDuration().toMillis() >= 10, "under the threshold, yet recorded: " + r);
        }
        assertTrue(requests.size() < 21, requests.toString());
    }

    @Test
    void aPeerThatClosesFirstIsTheReasonOfTheClose() throws Exception {
        record();
        await().atMost(10, TimeUnit.SECONDS).until(() -> registered("io.switchboard.ConnectionClosed"));
        int clientPort;
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.getOutputStream().write(HEAD.getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            byte[] answer = new byte[16];
            assertTrue(s.getInputStream().read(answer) > 0);
            clientPort = s.getLocalPort();
        }
        String peer = ":" + clientPort;
        await().atMost(15, TimeUnit.SECONDS).until(() -> named("io.switchboard.ConnectionClosed").stream()
                .anyMatch(e -> e.getString("remoteAddress").endsWith(peer)));
        RecordedEvent closed = named("io.switchboard.ConnectionClosed").stream()
                .filter(e -> e.getString("remoteAddress").endsWith(peer)).findFirst().orElseThrow();
        assertEquals("peer closed", closed.getString("reason"));
        assertEquals(HEAD.length(), closed.getLong("bytesIn"));
    }

    @Test
    void aWebSocketSessionIsRecordedFromItsOpenToItsClose() throws Exception {
        record();
        await().atMost(10, TimeUnit.SECONDS).until(() -> registered("io.switchboard.WebSocketSession"));
        client = Client.builder().workers(1).build();
        WebSocketClient websockets = WebSocketClient.builder(client).build();
        List<Integer> closes = new CopyOnWriteArrayList<>();
        WebSocket socket = websockets.connect(URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + "/ws"),
                new WebSocketHandler() {
                    @Override
                    public void onClose(WebSocket socket, int status, String reason) {
                        closes.add(status);
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("bye");
        await().atMost(10, TimeUnit.SECONDS).until(() -> closes.size() == 1);

        // one session on each side: the server's (client=false) and the client's (client=true), both closed with 4001
        await().atMost(15, TimeUnit.SECONDS).until(() -> named("io.switchboard.WebSocketSession").size() >= 2);
        List<RecordedEvent> sessions = named("io.switchboard.WebSocketSession");
        RecordedEvent serverSide = sessions.stream().filter(e -> !e.getBoolean("client")).findFirst().orElseThrow();
        RecordedEvent clientSide = sessions.stream().filter(e -> e.getBoolean("client")).findFirst().orElseThrow();
        assertEquals(4001, serverSide.getInt("closeStatus"));
        assertEquals(4001, clientSide.getInt("closeStatus"));
        assertFalse(serverSide.getBoolean("compressed"));
        // the route's counts: one session opened and closed
        await().atMost(10, TimeUnit.SECONDS).until(() -> ws.counters().closed() == 1);
        assertEquals(1, ws.counters().opened());
        assertEquals(0, ws.counters().active());
        assertTrue(serverSide.getDuration().compareTo(Duration.ZERO) >= 0);
        // and the upgrade itself: one request answered 101 on the route /ws
        await().atMost(15, TimeUnit.SECONDS).until(() -> named("io.switchboard.HttpRequest").stream()
                .anyMatch(e -> e.getInt("status") == 101));
        RecordedEvent upgrade = named("io.switchboard.HttpRequest").stream().filter(e -> e.getInt("status") == 101)
                .findFirst().orElseThrow();
        assertEquals("/ws", upgrade.getString("route"));
    }
}
