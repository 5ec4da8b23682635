package io.switchboard.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Connection;
import io.switchboard.server.Server;
import io.switchboard.server.SocketOptions;
import io.switchboard.testing.EmbeddedConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Writers of a streamed answer on other threads wait for a slow client, and stop at once when it leaves. */
@Tag("hardening")
class StreamBackpressureTest {
    private static final int CHUNK = 1024;
    private static final int CHUNKS = 16 * 1024;
    /** Socket buffers of 64 KiB each way: what the kernel holds for a client that does not read stays small. */
    private static final int SOCKET_BUFFER = 64 * 1024;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** A stream producer on its own thread: writes {@link #CHUNKS} chunks of {@link #CHUNK} bytes while the stream is open. */
    private static final class Producer {
        final AtomicLong written = new AtomicLong();
        final AtomicReference<ResponseStream> stream = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();

        void start(HttpResponder res) {
            ResponseStream body = res.stream(HttpResponse.of(200));
            stream.set(body);
            Thread t = new Thread(() -> {
                byte[] chunk = new byte[CHUNK];
                for (int i = 0; i < CHUNKS && body.isOpen(); i++) {
                    body.write(chunk);
                    written.addAndGet(CHUNK);
                }
                body.end();
            }, "test-producer");
            thread.set(t);
            t.start();
        }

        boolean waiting() {
            Thread t = thread.get();
            return t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
        }
    }

    private Server server(HttpConfig config, Producer producer, AtomicReference<Connection> connection) {
        Routes routes = Routes.builder().get("/stream", (req, res) -> producer.start(res)).build();
        HttpService service = new HttpService(config, routes);
        Server server = Server.builder().workers(1).socket(new SocketOptions(true, false, SOCKET_BUFFER, SOCKET_BUFFER))
                .pipeline(p -> {
                    service.accept(p);
                    connection.set(p.connection());
                }).start();
        toClose.add(server);
        return server;
    }

    private Socket request(Server server) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(SOCKET_BUFFER);
        socket.connect(server.localAddress());
        socket.setSoTimeout(20_000);
        toClose.add(socket);
        socket.getOutputStream().write(HttpTestSupport.get("/stream").getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    @Test
    void aWriterOnAnotherThreadWaitsForAClientThatDoesNotReadThenFinishes() throws Exception {
        Producer producer = new Producer();
        Server server = server(HttpConfig.DEFAULTS, producer, new AtomicReference<>());
        Socket socket = request(server);

        await().atMost(Duration.ofSeconds(10)).until(producer::waiting);
        long atWait = producer.written.get();
        // Socket buffers (64 KiB each way, which the kernel may double) + the 64 KiB high watermark of the connection's
        // queue + 64 KiB waiting in the stream: a few hundred KiB, far below the 16 MiB the producer has to write.
        assertTrue(atWait < 2 * 1024 * 1024, "the producer waits once about 512 KiB are out, not after " + atWait + " bytes");
        assertTrue(producer.stream.get().isOpen());
        assertFalse(producer.stream.get().isWritable(), "a write would wait");

        long body = readChunkedBody(socket.getInputStream());
        assertEquals((long) CHUNK * CHUNKS, body, "the client that reads gets every byte");
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.thread.get().getState() == Thread.State.TERMINATED);
    }

    @Test
    void aWaitingWriterReturnsAtOnceWhenTheClientLeaves() throws Exception {
        Producer producer = new Producer();
        Server server = server(HttpConfig.DEFAULTS, producer, new AtomicReference<>());
        Socket socket = request(server);
        await().atMost(Duration.ofSeconds(10)).until(producer::waiting);

        socket.setSoLinger(true, 0);
        socket.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.thread.get().getState() == Thread.State.TERMINATED);
        assertFalse(producer.stream.get().isOpen(), "the stream of a closed connection reports it");
        assertTrue(producer.written.get() < 2 * 1024 * 1024, "the producer stopped: " + producer.written.get() + " bytes");
    }

    @Test
    void aWriterThatWaitsPastTheSendTimeoutCutsTheStream() throws Exception {
        Producer producer = new Producer();
        AtomicReference<Connection> connection = new AtomicReference<>();
        Server server = server(HttpConfig.DEFAULTS.withSendTimeout(Duration.ofMillis(300)), producer, connection);
        request(server);

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.thread.get() != null
                && producer.thread.get().getState() == Thread.State.TERMINATED);
        assertFalse(producer.stream.get().isOpen(), "the stream gave up on a client that took nothing for 300 ms");
        await().atMost(Duration.ofSeconds(10)).until(() -> !connection.get().isOpen());
        assertTrue(producer.written.get() < 2 * 1024 * 1024, producer.written.get() + " bytes");
    }

    @Test
    void aStreamWaitingBehindAnEarlierAnswerIsNotTimedOutByThePeer() {
        List<HttpResponder> later = new ArrayList<>();
        Producer producer = new Producer();
        Routes routes = Routes.builder()
                .get("/later", (req, res) -> later.add(res))
                .get("/stream", (req, res) -> producer.start(res))
                .build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(HttpConfig.DEFAULTS.withSendTimeout(Duration.ofMillis(200)), routes));
        c.feed(HttpTestSupport.get("/later") + HttpTestSupport.get("/stream"));
        await().atMost(Duration.ofSeconds(10)).until(producer::waiting);
        assertEquals(64 * CHUNK, producer.written.get(), "64 KiB (the high watermark) wait behind the first answer");

        // Held back by the earlier answer, not by the peer: still open well past the 200 ms send timeout. The timeout
        // runs on the loop's clock, which moves here only when told: 600 ms pass on it, and the writer, which looks at
        // the clock again at least every 200 ms of real time, must still be waiting 600 ms later.
        c.advance(Duration.ofMillis(600));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> producer.stream.get().isOpen());

        // The peer now takes everything, but only when this thread runs the loop; the loop's clock stands still
        // meanwhile, so however slowly this thread polls, the writer is never timed out.
        later.get(0).send(HttpResponse.text("first"));
        long[] received = {0};
        await().pollInSameThread().atMost(Duration.ofSeconds(20)).until(() -> {
            received[0] += c.discardWritten();
            return producer.thread.get().getState() == Thread.State.TERMINATED;
        });
        received[0] += c.discardWritten();
        assertTrue(received[0] > (long) CHUNK * CHUNKS, "the stream flowed once the first answer left: " + received[0]);
        assertFalse(c.isClosed(), "and ended without cutting the connection");
    }

    @Test
    void aWriterOnTheLoopNeverWaits() {
        Routes routes = Routes.builder().get("/stream", (req, res) -> {
            ResponseStream s = res.stream(HttpResponse.of(200));
            for (int i = 0; i < 200; i++) {
                s.write(new byte[CHUNK]);
            }
            s.end();
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.peerWindow(0);
        c.feed(HttpTestSupport.get("/stream"));
        c.peerWindow(Long.MAX_VALUE);
        assertEquals(200 * CHUNK, Responses.parse(c.takeWritten()).get(0).body().length,
                "200 KiB written on the loop to a peer that reads nothing are queued, not waited for");
    }

    @Test
    void aRejectedExecutionIsAnswered503NotA500() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> started = new CompletableFuture<>();
        try (io.switchboard.loop.Offload offload = io.switchboard.loop.Offload.create("test-offload", 1, 1)) {
            Routes routes = Routes.builder()
                    .get("/blocking", HttpHandler.offload(offload, (req, res) -> {
                        started.complete(null);
                        release.await(10, TimeUnit.SECONDS);
                        res.send(HttpResponse.text("done"));
                    }))
                    .get("/refused", (req, res) -> {
                        throw new RejectedExecutionException("no room");
                    })
                    .build();
            EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
            c.feed(HttpTestSupport.get("/refused"));
            assertEquals(503, Responses.parse(c.takeWritten()).get(0).status(), "a handler that throws it gets 503");

            EmbeddedConnection first = new EmbeddedConnection(new HttpService(routes));
            first.feed(HttpTestSupport.get("/blocking"));
            started.get(10, TimeUnit.SECONDS);
            EmbeddedConnection second = new EmbeddedConnection(new HttpService(routes));
            second.feed(HttpTestSupport.get("/blocking"));
            List<Responses.Response> busy = Responses.parse(second.takeWritten());
            assertEquals(503, busy.get(0).status(), "the offload holds 1 task at most: the second request gets 503");
            assertFalse(second.isClosed(), "the connection stays open");
            assertEquals(1, offload.rejectedCount());

            release.countDown();
            // The embedded connection runs on this thread: poll here, not on Awaitility's thread.
            await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
                first.runPending();
                return first.takeWrittenString().contains("done");
            });
        }
    }

    /** Reads a chunked response to its end and returns the body's length. */
    private static long readChunkedBody(InputStream in) throws IOException {
        BodyMemoryTest.readHead(in);
        long total = 0;
        while (true) {
            String line = line(in);
            int size = Integer.parseInt(line, 16);
            if (size == 0) {
                line(in);
                return total;
            }
            long skipped = in.readNBytes(size).length;
            total += skipped;
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("EOF in a chunk line");
            }
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }
}
