package io.switchboard.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.codec.LineCodec;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoopbackServerTest {
    private static final Handler ECHO = new Handler() {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.write(message);
        }
    };

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        threads.shutdownNow();
    }

    private Server start(Server.Builder builder) {
        Server server = builder.start();
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
    void hundredClientsEachGetTheirMebibyteBackExactly() throws Exception {
        Server server = start(Server.builder().workers(2).pipeline(p -> p.add(ECHO)));
        List<Future<byte[][]>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int seed = i;
            results.add(threads.submit(() -> roundTrip(server, seed, 1024 * 1024)));
        }
        for (Future<byte[][]> result : results) {
            byte[][] sentAndReceived = result.get(120, TimeUnit.SECONDS);
            assertArrayEquals(sentAndReceived[0], sentAndReceived[1]);
        }
    }

    private byte[][] roundTrip(Server server, int seed, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        try (Socket socket = connect(server)) {
            Future<?> writer = threads.submit(() -> {
                for (int off = 0; off < size; off += 8192) {
                    socket.getOutputStream().write(data, off, Math.min(8192, size - off));
                }
                socket.shutdownOutput();
                return null;
            });
            byte[] back = socket.getInputStream().readAllBytes();
            writer.get();
            return new byte[][] {data, back};
        }
    }

    @Test
    void writesFromSeveralThreadsKeepEachThreadsOrder() throws Exception {
        CompletableFuture<Connection> accepted = new CompletableFuture<>();
        Server server = start(Server.builder().workers(1).pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                accepted.complete(ctx.connection());
            }
        })));
        Socket socket = connect(server);
        Connection connection = accepted.get(10, TimeUnit.SECONDS);
        int writers = 4;
        int perWriter = 5000;
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            done.add(threads.submit(() -> {
                for (int n = 0; n < perWriter; n++) {
                    connection.write(id + ":" + n);
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        connection.close();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        int[] next = new int[writers];
        String line;
        int total = 0;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split(":");
            int id = Integer.parseInt(parts[0]);
            assertEquals(next[id], Integer.parseInt(parts[1]), "writer " + id + " out of order");
            next[id]++;
            total++;
        }
        assertEquals(writers * perWriter, total);
    }

    @Test
    void aThrowingHandlerClosesOnlyItsConnectionAndIsLoggedOnce() throws Exception {
        ListAppender<ILoggingEvent> logs = capture(Connection.class);
        Server server = start(Server.builder().workers(1).pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                if (message.equals("boom")) {
                    throw new IllegalStateException("handler bug");
                }
                ctx.write("echo " + message);
            }
        })));
        Socket good = connect(server);
        Socket bad = connect(server);
        BufferedReader goodIn = reader(good);
        send(good, "one\n");
        assertEquals("echo one", goodIn.readLine());

        send(bad, "boom\n");
        assertEquals(-1, bad.getInputStream().read(), "the failing connection is closed");

        send(good, "two\n");
        assertEquals("echo two", goodIn.readLine(), "the other connection on the same loop is served");
        String badAddress = bad.getLocalSocketAddress().toString();
        List<ILoggingEvent> warnings = logs.list.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(badAddress.substring(badAddress.lastIndexOf(':'))))
                .toList();
        assertEquals(1, warnings.size(), logs.list.toString());
    }

    @Test
    void aLineOverTheLimitClosesOnlyThatConnection() throws Exception {
        Server server = start(Server.builder().workers(1).pipeline(p -> p.add(new LineCodec(16)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ctx.write(message.toString());
            }
        })));
        Socket good = connect(server);
        Socket bad = connect(server);
        send(bad, "x".repeat(1000) + "\n");
        assertEquals(-1, bad.getInputStream().read());
        send(good, "fine\n");
        assertEquals("fine", reader(good).readLine());
    }

    @Test
    void peerFinArrivesAsInputClosedAndTheServerCanStillWrite() throws Exception {
        Server server = start(Server.builder().workers(1).pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
            private int lines;

            @Override
            public void read(HandlerContext ctx, Object message) {
                lines++;
            }

            @Override
            public void inputClosed(HandlerContext ctx) {
                ctx.write("got " + lines + " lines");
                ctx.close();
            }
        })));
        Socket socket = connect(server);
        send(socket, "a\nb\nc\n");
        socket.shutdownOutput();
        BufferedReader in = reader(socket);
        assertEquals("got 3 lines", in.readLine());
        assertEquals(null, in.readLine());
    }

    @Test
    void shutdownCompletesWithClientsConnected() throws Exception {
        Server server = Server.builder().workers(2).pipeline(p -> p.add(ECHO)).start();
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = connect(server);
            send(s, "hi");
            assertEquals('h', s.getInputStream().read());
            clients.add(s);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 20);
        assertTrue(server.closeGracefully(Duration.ofSeconds(5)));
        assertTrue(server.closeFuture().isDone());
        for (Socket s : clients) {
            InputStream in = s.getInputStream();
            assertEquals('i', in.read());
            assertEquals(-1, in.read(), "server closed the connection");
        }
        assertEquals(0, server.connectionCount());
        assertThrows(IOException.class, () -> new Socket(server.localAddress().getAddress(), server.localAddress().getPort()).close());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            boolean loopThread = t.getName().startsWith("switchboard-worker") || t.getName().equals("switchboard-boss");
            assertFalse(loopThread && t.isAlive(), "loop thread still running after close: " + t);
        }
    }

    @Test
    void bindingABusyPortFailsWithAClearMessage() {
        Server server = start(Server.builder().workers(1).pipeline(p -> p.add(ECHO)));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Server.builder()
                .port(server.localAddress().getPort()).workers(1).pipeline(p -> p.add(ECHO)).start());
        assertInstanceOf(BindException.class, e.getCause());
        assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + server.localAddress().getPort()), e.getMessage());
    }

    @Test
    void clientConnectsOntoLoopsAndExchangesLines() throws Exception {
        Server server = start(Server.builder().workers(1).pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ctx.write(message.toString().toUpperCase());
            }
        })));
        LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        Client client = Client.builder().pipeline(p -> p.add(new LineCodec(100)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                replies.add((String) message);
            }
        })).build();
        toClose.add(client);
        Connection c = client.connect(server.localAddress()).get(10, TimeUnit.SECONDS);
        c.write("ping");
        assertEquals("PING", replies.poll(10, TimeUnit.SECONDS));
        c.close();
        c.closeFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void clientConnectToAClosedPortFails() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Client client = Client.builder().pipeline(p -> { }).build();
        toClose.add(client);
        var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> client.connect("127.0.0.1", port).get(10, TimeUnit.SECONDS));
        assertInstanceOf(java.net.ConnectException.class, failure.getCause());
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    private static ListAppender<ILoggingEvent> capture(Class<?> type) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    @Test
    void twoServersShareAPortWithReusePort() throws Exception {
        Server first = start(Server.builder().workers(1).reusePort(true).pipeline(p -> p.add(ECHO)));
        Server second = start(Server.builder().port(first.localAddress().getPort()).workers(1).reusePort(true)
                .pipeline(p -> p.add(ECHO)));
        assertEquals(first.localAddress().getPort(), second.localAddress().getPort());
        for (int i = 0; i < 20; i++) {
            Socket s = connect(first);
            s.getOutputStream().write('z');
            assertEquals('z', s.getInputStream().read());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.connectionCount() + second.connectionCount() == 20);
    }
}
