package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat's web side as users run it: line clients on the chat port, and the JDK's own WebSocket and HTTP clients
 * on the web port (/ws, /events, POST /say), all in one room.
 */
class ChatWebIT {
    /** Lines each sender says in the ordering test. */
    private static final int LINES_EACH = 100;
    private static final Pattern TOKEN = Pattern.compile(": (s\\d-\\d+)$");

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    private ExampleProcess chat(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("chat", "--port", "0", "--http-port", "0", "--workers", "2"));
        args.addAll(List.of(more));
        return closing(ExampleProcess.start(args.toArray(String[]::new)));
    }

    private static URI ws(URI web) {
        return URI.create((web.getScheme().equals("https") ? "wss://" : "ws://") + web.getRawAuthority() + "/ws");
    }

    /**
     * Four senders, two line clients, a WebSocket and an event stream's POST /say, each say 100 lines at once; seven
     * receivers (the four, a silent line client, a WebSocket and an event stream) get every line meant for them
     * (400; 300 for a line client that sent 100, which is not sent its own), each sender's lines in the order it said
     * them, and every two receivers the lines they share in the same order: the room's one order. Broadcasting from
     * each sender's loop, as the chat did before its room thread, fails the last check: a receiver on the sender's
     * loop was written at once, one on another loop through that loop's task queue.
     */
    @Test
    void everyReceiverSeesTheLinesOfEveryTransportInOneOrder() throws Exception {
        ExampleProcess chat = chat();
        int port = chat.awaitListening();
        URI web = chat.awaitWebPage();
        LineClient lineA = closing(new LineClient(port));
        LineClient lineB = closing(new LineClient(port));
        LineClient lineListener = closing(new LineClient(port));
        JdkWebSocket socket = closing(JdkWebSocket.connect(ws(web)));
        JdkWebSocket socketListener = closing(JdkWebSocket.connect(ws(web)));
        JdkEventStream stream = closing(JdkEventStream.open(web.resolve("/events"), null));
        JdkEventStream streamListener = closing(JdkEventStream.open(web.resolve("/events"), null));
        Map<String, Supplier<List<String>>> receivers = new LinkedHashMap<>();
        receivers.put("line client s0", () -> lineA.lines);
        receivers.put("line client s1", () -> lineB.lines);
        receivers.put("silent line client", () -> lineListener.lines);
        receivers.put("WebSocket s2", () -> socket.messages);
        receivers.put("silent WebSocket", () -> socketListener.messages);
        receivers.put("event stream s3", stream::messages);
        receivers.put("silent event stream", streamListener::messages);
        await().atMost(Duration.ofSeconds(20)).until(() -> receivers.values().stream()
                .allMatch(r -> r.get().stream().anyMatch(l -> l.startsWith("* welcome"))));
        assertTrue(stream.member() != null, "the stream's first event is its member token");

        HttpClient http = JdkEventStream.client();
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> senders = List.of(
                sender(start, failures, i -> lineA.say("s0-" + i)),
                sender(start, failures, i -> lineB.say("s1-" + i)),
                sender(start, failures, i -> socket.send("s2-" + i)),
                sender(start, failures, i -> {
                    HttpResponse<String> said = http.send(HttpRequest.newBuilder(
                                    web.resolve("/say?member=" + stream.member()))
                            .POST(HttpRequest.BodyPublishers.ofString("s3-" + i)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(204, said.statusCode(), said.body());
                }));
        start.countDown();
        for (Thread t : senders) {
            t.join(60_000);
        }
        assertTrue(failures.isEmpty(), "senders failed: " + failures);

        Map<String, Set<String>> expected = new LinkedHashMap<>();
        for (String name : receivers.keySet()) {
            Set<String> tokens = new HashSet<>();
            for (int s = 0; s < 4; s++) {
                for (int i = 0; i < LINES_EACH; i++) {
                    tokens.add("s" + s + "-" + i);
                }
            }
            if (name.startsWith("line client s")) {
                tokens.removeIf(t -> t.startsWith(name.substring(name.length() - 2) + "-"));
            }
            expected.put(name, tokens);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> receivers.entrySet().stream()
                .allMatch(e -> tokens(e.getValue().get()).size() >= expected.get(e.getKey()).size()));

        Map<String, List<String>> seen = new LinkedHashMap<>();
        receivers.forEach((name, lines) -> seen.put(name, tokens(lines.get())));
        seen.forEach((name, tokens) -> {
            assertEquals(expected.get(name), new HashSet<>(tokens), name + " got every line meant for it, once");
            assertEquals(expected.get(name).size(), tokens.size(), name + " got no line twice");
            for (int s = 0; s < 4; s++) {
                String prefix = "s" + s + "-";
                List<String> own = tokens.stream().filter(t -> t.startsWith(prefix)).toList();
                for (int i = 1; i < own.size(); i++) {
                    assertTrue(index(own.get(i - 1)) < index(own.get(i)), name + ": " + prefix + " in the order said: " + own);
                }
            }
        });
        for (String a : seen.keySet()) {
            for (String b : seen.keySet()) {
                List<String> aShared = new ArrayList<>(seen.get(a));
                aShared.retainAll(new HashSet<>(seen.get(b)));
                List<String> bShared = new ArrayList<>(seen.get(b));
                bShared.retainAll(new HashSet<>(seen.get(a)));
                assertEquals(aShared, bShared, a + " and " + b + " see the lines they share in one order");
            }
        }
        List<Long> ids = streamListener.events.stream().filter(e -> e.type().equals("message") && e.id() != null)
                .map(e -> Long.parseLong(e.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1) < ids.get(i), "event ids number the room's lines in order: " + ids);
        }
    }

    private interface Say {
        void line(int i) throws Exception;
    }

    private static Thread sender(CountDownLatch start, List<Throwable> failures, Say say) {
        Thread t = new Thread(() -> {
            try {
                start.await();
                for (int i = 0; i < LINES_EACH; i++) {
                    say.line(i);
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        }, "sender");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static List<String> tokens(List<String> lines) {
        List<String> tokens = new ArrayList<>();
        for (String line : lines) {
            Matcher m = TOKEN.matcher(line);
            if (m.find()) {
                tokens.add(m.group(1));
            }
        }
        return tokens;
    }

    private static int index(String token) {
        return Integer.parseInt(token.substring(token.indexOf('-') + 1));
    }

    /**
     * An event stream and a WebSocket whose peers never read, while a line client says 8 MiB of 1 KiB lines (more
     * than loopback's socket buffers take): a line client that reads gets all 8,192 lines, and the two are dropped
     * (their "left" lines reach it) instead of stalling the room or being queued everything.
     */
    @Test
    void webClientsThatDoNotReadAreDroppedWhileTheOthersChat() throws Exception {
        ExampleProcess chat = chat();
        int port = chat.awaitListening();
        URI web = chat.awaitWebPage();
        LineClient listener = closing(new LineClient(port));
        Socket slowStream = closing(rawClient(web, "GET /events HTTP/1.1\r\nHost: chat\r\nAccept: text/event-stream\r\n\r\n"));
        Socket slowSocket = closing(rawClient(web, "GET /ws HTTP/1.1\r\nHost: chat\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
        String streamName = "127.0.0.1:" + slowStream.getLocalPort();
        String socketName = "127.0.0.1:" + slowSocket.getLocalPort();
        LineClient talker = closing(new LineClient(port));
        await().atMost(Duration.ofSeconds(20)).until(() -> listener.received("* " + streamName + " joined")
                && listener.received("* " + socketName + " joined") && talker.name() != null);

        int lines = 8192;
        String text = "x".repeat(1000);
        OutputStream out = talker.socket.getOutputStream();
        StringBuilder batch = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            batch.append(text).append(' ').append(i).append('\n');
            if (i % 64 == 0) {
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                batch.setLength(0);
            }
        }
        out.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> listener.received(text + " " + lines));
        assertEquals(lines, listener.lines.stream().filter(l -> l.contains(text)).count(),
                "the line client that reads got every line");
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.received("* " + streamName + " left")
                && listener.received("* " + socketName + " left"));
        assertFalse(talker.closedByServer || listener.closedByServer, "the room goes on for those who read");
    }

    private static Socket rawClient(URI web, String request) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", web.getPort()));
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /**
     * An event stream that comes back with {@code Last-Event-ID} is first sent the lines it missed, from the one
     * after that id, then welcomed; the line it had seen is not sent again.
     */
    @Test
    void anEventStreamThatReconnectsGetsTheLinesItMissed() throws Exception {
        ExampleProcess chat = chat();
        int port = chat.awaitListening();
        URI web = chat.awaitWebPage();
        LineClient talker = closing(new LineClient(port));
        LineClient listener = closing(new LineClient(port));
        JdkEventStream first = JdkEventStream.open(web.resolve("/events"), null);
        await().atMost(Duration.ofSeconds(20)).until(() -> first.received("* welcome") && talker.name() != null);
        talker.say("seen before");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.received("seen before"));
        String lastId = first.events.get(first.events.size() - 1).id();
        first.close();
        talker.say("missed one");
        talker.say("missed two");
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.received("missed two"));

        JdkEventStream again = closing(JdkEventStream.open(web.resolve("/events"), lastId));
        await().atMost(Duration.ofSeconds(10)).until(() -> again.received("* welcome"));
        List<String> got = again.messages();
        int welcome = indexOf(got, "* welcome");
        assertTrue(indexOf(got, "missed one") >= 0 && indexOf(got, "missed one") < indexOf(got, "missed two")
                && indexOf(got, "missed two") < welcome, "the missed lines, in order, before the welcome: " + got);
        assertEquals(-1, indexOf(got, "seen before"), "not the line it had seen: " + got);
        assertEquals(Long.parseLong(lastId) + 1, Long.parseLong(again.events.stream()
                .filter(e -> e.type().equals("message")).findFirst().orElseThrow().id()), "from the next id on");
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The page is one HTML file with its script inline, no other resource; a WebSocket says a line that a line
     * client, an event stream and the WebSocket itself get; a POST /say without a token is said in the name of its
     * address.
     */
    @Test
    void thePageAndItsTransports() throws Exception {
        ExampleProcess chat = chat();
        int port = chat.awaitListening();
        URI web = chat.awaitWebPage();
        HttpClient http = JdkEventStream.client();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(web).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertTrue(page.body().contains("new WebSocket(") && page.body().contains("new EventSource(\"/events\")")
                && page.body().contains("\"/say?member=\""), "the page speaks both transports");
        assertFalse(page.body().contains(" src=") || page.body().contains(" href=\"http"), "no other resource");

        LineClient line = closing(new LineClient(port));
        JdkWebSocket socket = closing(JdkWebSocket.connect(ws(web)));
        JdkEventStream stream = closing(JdkEventStream.open(web.resolve("/events"), null));
        await().atMost(Duration.ofSeconds(20)).until(() -> line.name() != null && socket.received("* welcome")
                && stream.received("* welcome"));
        socket.send("hello ✓ from the WebSocket");
        await().atMost(Duration.ofSeconds(10)).until(() -> line.received("hello ✓ from the WebSocket")
                && stream.received("hello ✓ from the WebSocket") && socket.received(": hello ✓ from the WebSocket"));

        HttpResponse<String> said = http.send(HttpRequest.newBuilder(web.resolve("/say"))
                .POST(HttpRequest.BodyPublishers.ofString("first line\nsecond line")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, said.statusCode());
        await().atMost(Duration.ofSeconds(10)).until(() -> line.received("second line"));
        assertTrue(line.lines.stream().anyMatch(l -> l.matches("127\\.0\\.0\\.1:\\d+: first line")), line.lines.toString());
        assertEquals(413, http.send(HttpRequest.newBuilder(web.resolve("/say"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(ChatServer.MAX_LINE + 1))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "a body longer than a line is refused");
    }

    /** A WebSocket message longer than a chat line closes with 1009, a binary message with 1003. */
    @Test
    void theChatWebSocketTakesTextLinesOnly() throws Exception {
        ExampleProcess chat = chat();
        chat.awaitListening();
        URI web = chat.awaitWebPage();
        JdkWebSocket tooLong = closing(JdkWebSocket.connect(ws(web)));
        tooLong.send("x".repeat(ChatServer.MAX_LINE + 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> tooLong.closeStatus == 1009);
        JdkWebSocket binary = closing(JdkWebSocket.connect(ws(web)));
        binary.sendBinary(new byte[] {1, 2, 3});
        await().atMost(Duration.ofSeconds(10)).until(() -> binary.closeStatus == 1003);
    }

    /**
     * With --tls-cert and --tls-key the web port serves https and wss with the same certificate: a WebSocket over
     * wss and an event stream over https trade lines with a POST /say over https.
     */
    @Test
    void withTlsTheWebPageIsHttpsAndWss() throws Exception {
        List<String> args = new ArrayList<>(TlsFiles.serverFlags("rsa.pem", "rsa-pkcs1.key"));
        args.addAll(List.of("--host", "localhost"));
        ExampleProcess chat = chat(args.toArray(String[]::new));
        chat.awaitListening();
        URI web = chat.awaitWebPage();
        assertEquals("https", web.getScheme(), web.toString());
        URI local = URI.create("https://localhost:" + web.getPort() + "/");
        HttpClient https = HttpClient.newBuilder().sslContext(TlsFiles.trustingTestCa())
                .version(HttpClient.Version.HTTP_1_1).build();
        assertEquals(200, https.send(HttpRequest.newBuilder(local).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        JdkWebSocket socket = closing(JdkWebSocket.connect(ws(local), TlsFiles.trustingTestCa()));
        JdkEventStream stream = closing(JdkEventStream.open(https, local.resolve("/events"), null));
        await().atMost(Duration.ofSeconds(20)).until(() -> socket.received("* welcome") && stream.received("* welcome"));
        HttpResponse<String> said = https.send(HttpRequest.newBuilder(local.resolve("/say"))
                .POST(HttpRequest.BodyPublishers.ofString("over https")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, said.statusCode());
        socket.send("over wss");
        await().atMost(Duration.ofSeconds(10)).until(() -> socket.received("over https") && stream.received("over https")
                && stream.received("over wss"));
    }
}
