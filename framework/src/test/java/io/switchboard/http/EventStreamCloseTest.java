package io.switchboard.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.loop.EventLoop;
import io.switchboard.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EventStream#onClose} over real sockets: the callback runs on the connection's loop, exactly once, when the
 * client resets or closes its connection, when the server ends the stream, and when it is given after the end.
 * "Exactly once" is checked behind a fence: a last callback given after everything that could run the first again,
 * whose run means that every loop task queued before it has run.
 */
class EventStreamCloseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A stream the server opened, and its connection's loop. */
    private record Opened(EventStream events, EventLoop loop) {
    }

    private final BlockingQueue<Opened> opened = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** A server whose {@code /events} streams beat every {@code heartbeat}; returns its port. */
    private int start(Duration heartbeat) {
        Routes routes = Routes.builder()
                .get("/events", (req, res) -> opened.add(new Opened(EventStream.open(req, res, heartbeat), res.loop())))
                .build();
        Server server = Server.builder().host("127.0.0.1").workers(1).pipeline(new HttpService(routes)).start();
        toClose.add(server);
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Opens {@code /events} on a new socket, reads the answer's head, and returns the socket. */
    private Socket subscribe(int port) throws IOException {
        Socket s = new Socket();
        toClose.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /events HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String head = readUntil(s.getInputStream(), "\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        return s;
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the stream ended before " + end.replace("\r\n", "CRLF") + ": " + seen);
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    private Opened next() throws InterruptedException {
        Opened o = opened.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(o, "the server opened no stream");
        return o;
    }

    /** Counts a callback's runs, and whether every one ran on the stream's loop. */
    private static final class Runs implements Runnable {
        final AtomicInteger count = new AtomicInteger();
        final AtomicBoolean offLoop = new AtomicBoolean();
        private final EventLoop loop;

        Runs(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public void run() {
            if (!loop.inLoop()) {
                offLoop.set(true);
            }
            count.incrementAndGet();
        }
    }

    /** Gives {@code events} one more callback and waits for it: every loop task queued before it has run by then. */
    private static void fence(Opened o) {
        Runs fence = new Runs(o.loop());
        o.events().onClose(fence);
        await().atMost(WAIT).until(() -> fence.count.get() == 1);
    }

    @Test
    void aClientThatResetsItsConnectionRunsTheCallbackOnceOnTheLoop() throws Exception {
        int port = start(Duration.ZERO);
        Socket client = subscribe(port);
        Opened o = next();
        Runs runs = new Runs(o.loop());
        o.events().onClose(runs);
        assertEquals(0, runs.count.get(), "the stream is open: the callback waits");

        client.setSoLinger(true, 0);
        client.close(); // RST
        await().atMost(WAIT).until(() -> runs.count.get() == 1);
        o.events().close(); // the server ends it too, later: no second run
        fence(o);
        assertEquals(1, runs.count.get(), "runs once, however many ends it sees");
        assertFalse(runs.offLoop.get(), "runs on the connection's loop");
        assertFalse(o.events().isOpen());
    }

    @Test
    void aClientThatClosesItsConnectionIsFoundAtTheNextHeartbeat() throws Exception {
        int port = start(Duration.ofMillis(50));
        Socket client = subscribe(port);
        Opened o = next();
        Runs runs = new Runs(o.loop());
        o.events().onClose(runs);

        client.close(); // FIN: the server finds the client gone when a heartbeat comment meets the reset
        await().atMost(WAIT).until(() -> runs.count.get() == 1);
        fence(o);
        assertEquals(1, runs.count.get());
        assertFalse(runs.offLoop.get(), "runs on the connection's loop");
    }

    @Test
    void theServerEndingTheStreamRunsTheCallbackOnce() throws Exception {
        int port = start(Duration.ZERO);
        Socket client = subscribe(port);
        Opened o = next();
        Runs runs = new Runs(o.loop());
        o.events().onClose(runs);

        o.events().send("last");
        o.events().close(); // from this thread, not the loop
        await().atMost(WAIT).until(() -> runs.count.get() == 1);
        String rest = readUntil(client.getInputStream(), "0\r\n\r\n");
        assertTrue(rest.contains("data: last\n"), "the event sent before the end arrives first: " + rest);

        o.events().close(); // again: nothing more
        client.close(); // and the client leaves after the end: nothing more either
        fence(o);
        assertEquals(1, runs.count.get(), "the end, a second close() and the client leaving: one run");
        assertFalse(runs.offLoop.get(), "runs on the connection's loop");
    }

    @Test
    void theServerEndingTheStreamOnItsLoopRunsTheCallbackOnce() throws Exception {
        int port = start(Duration.ZERO);
        subscribe(port);
        Opened o = next();
        Runs runs = new Runs(o.loop());
        o.events().onClose(runs);

        o.loop().execute(() -> {
            o.events().close();
            o.events().close();
        });
        fence(o);
        assertEquals(1, runs.count.get(), "two close() calls on the loop: one run");
        assertFalse(runs.offLoop.get());
    }

    @Test
    void aCallbackGivenAfterTheEndRunsOnceOnTheLoopAndNotInsideTheCall() throws Exception {
        int port = start(Duration.ZERO);
        Socket client = subscribe(port);
        Opened o = next();
        Runs first = new Runs(o.loop());
        o.events().onClose(first);
        client.setSoLinger(true, 0);
        client.close();
        await().atMost(WAIT).until(() -> first.count.get() == 1);

        Runs fromTest = new Runs(o.loop());
        o.events().onClose(fromTest); // given from another thread, after the end
        await().atMost(WAIT).until(() -> fromTest.count.get() == 1);
        assertFalse(fromTest.offLoop.get(), "a late callback runs on the loop too");

        Runs fromLoop = new Runs(o.loop());
        AtomicInteger runsInsideTheCall = new AtomicInteger(-1);
        o.loop().execute(() -> {
            o.events().onClose(fromLoop);
            runsInsideTheCall.set(fromLoop.count.get());
        });
        await().atMost(WAIT).until(() -> fromLoop.count.get() == 1);
        assertEquals(0, runsInsideTheCall.get(), "given on the loop after the end, it runs soon, not inside onClose");
        fence(o);
        assertEquals(1, fromTest.count.get());
        assertEquals(1, fromLoop.count.get());
        assertEquals(1, first.count.get());
    }

    @Test
    void everyCallbackRunsOnceInOrderEvenWhenOneThrows() throws Exception {
        int port = start(Duration.ZERO);
        subscribe(port);
        Opened o = next();
        List<Integer> order = new CopyOnWriteArrayList<>();
        o.events().onClose(() -> order.add(1));
        o.events().onClose(() -> {
            order.add(2);
            throw new IllegalStateException("a subscriber's bug (logged at warn by design)");
        });
        o.events().onClose(() -> order.add(3));

        o.events().close();
        fence(o);
        assertEquals(List.of(1, 2, 3), order, "each of the three once, in the order given, past the one that threw");
    }
}
