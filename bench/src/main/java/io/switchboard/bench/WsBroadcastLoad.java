package io.switchboard.bench;

import io.switchboard.server.Client;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketHandler;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The broadcast load ({@code ws-broadcast-load}): opens many WebSockets to a broadcast route (at most
 * {@link #CONNECTING} handshakes at once), then once a {@link #PERIOD} sends one binary message, numbered, on the
 * first of them, which the server broadcasts to every member (the sender too), and times each round from just before
 * the send to the last of the receipts, all read on this process's clock ({@link System#nanoTime()}), so the send and
 * the receipts are on one clock. A receipt is taken when the message reaches the handler on the client's loop, so the
 * time includes the client's own reading of the round's messages (the same client for every server).
 *
 * <p>First it sends rounds until one reaches every connection (a server adds a member once its handshake is done,
 * which may be a little after the client saw it; at most {@link #JOIN_LIMIT}), then the warm-up rounds, then the
 * measured ones between {@link EchoLoad#MEASURE_START} and {@link EchoLoad#MEASURE_END}. A round that does not reach
 * every connection within {@link #ROUND_TIMEOUT} counts one error per connection it missed; a message of another
 * round, or a connection that closes, is an error too. Prints an {@link EchoLoadResult#resultLine()} (messages are
 * the receipts in the measured rounds) and a {@code round trip µs:} line of the send-to-last-receipt times over the
 * measured rounds, which the side-by-side runner reads as for echo-load. Not thread-safe: one run per instance.
 */
final class WsBroadcastLoad {
    /** Handshakes in flight at once while connecting. */
    static final int CONNECTING = 1000;
    /** One message a round, one round a period. */
    static final Duration PERIOD = Duration.ofSeconds(1);
    /** The longest a round may take to reach every connection. */
    static final Duration ROUND_TIMEOUT = Duration.ofSeconds(10);
    /** The longest the first rounds may take to reach every connection at all. */
    static final Duration JOIN_LIMIT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(180);

    private final String host;
    private final int port;
    private final String path;
    private final int connections;
    private final int size;
    private final int warmupRounds;
    private final int rounds;
    private final PrintStream out;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger closedEarly = new AtomicInteger();
    private volatile boolean stopping;
    /** The round now under way; receipts of others are errors. */
    private volatile Round current;

    WsBroadcastLoad(String host, int port, String path, int connections, int size, int warmupRounds, int rounds,
                    PrintStream out) {
        if (size < 16) {
            throw new IllegalArgumentException("a broadcast message has at least 16 bytes: its round and send time");
        }
        this.host = host;
        this.port = port;
        this.path = path;
        this.connections = connections;
        this.size = size;
        this.warmupRounds = warmupRounds;
        this.rounds = rounds;
        this.out = out;
    }

    /** One message's way to every connection. Its counters are written by the client's loops. */
    private static final class Round {
        final long number;
        final long sentAt;
        final int expected;
        final AtomicInteger received = new AtomicInteger();
        final CountDownLatch all = new CountDownLatch(1);
        volatile long firstAt;
        volatile long lastAt;

        Round(long number, long sentAt, int expected) {
            this.number = number;
            this.sentAt = sentAt;
            this.expected = expected;
        }

        void receipt(long now) {
            int n = received.incrementAndGet();
            if (n == 1) {
                firstAt = now;
            }
            if (n == expected) {
                lastAt = now;
                all.countDown();
            }
        }
    }

    /** Runs the load; returns 0 for a clean run, 1 otherwise. */
    int run() throws InterruptedException {
        URI uri = URI.create("ws://" + host + ":" + port + path);
        out.printf(Locale.ROOT, "ws-broadcast-load: %d WebSockets to %s, one %d-byte message each %d ms, %d warm-up and %d"
                + " measured rounds%n", connections, uri, size, PERIOD.toMillis(), warmupRounds, rounds);
        out.flush();
        Client client = Client.builder().workers(1).connectTimeout(CONNECT_TIMEOUT).build();
        try {
            WebSocket sender = connectAll(client, uri);
            if (sender == null) {
                return 1;
            }
            long number = 0;
            long joinDeadline = System.nanoTime() + JOIN_LIMIT.toNanos();
            Round round;
            do {
                round = round(sender, ++number);
            } while (round.lastAt == 0 && System.nanoTime() < joinDeadline);
            if (round.lastAt == 0) {
                out.printf(Locale.ROOT, "ws-broadcast-load: no round reached all %d connections within %d s (the last: %d)%n",
                        connections, JOIN_LIMIT.toSeconds(), round.received.get());
                return 1;
            }
            out.printf(Locale.ROOT, "round %d reached every connection; warming up%n", number);
            errors.set(0);
            for (int i = 0; i < warmupRounds; i++) {
                round = round(sender, ++number);
                report("warmup", round);
            }
            Histogram last = new Histogram(3);
            Histogram first = new Histogram(3);
            long delivered = 0;
            EchoLoad.mark(out, EchoLoad.MEASURE_START);
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                round = round(sender, ++number);
                report("measure", round);
                delivered += Math.min(round.received.get(), round.expected);
                if (round.lastAt != 0) {
                    last.recordValue(round.lastAt - round.sentAt);
                    first.recordValue(round.firstAt - round.sentAt);
                }
            }
            long end = System.nanoTime();
            EchoLoad.mark(out, EchoLoad.MEASURE_END);
            stopping = true;
            long errorCount = errors.get() + closedEarly.get();
            EchoLoadResult result = new EchoLoadResult(delivered, delivered * size, (end - start) / 1e9, errorCount, null);
            out.println(result.resultLine());
            if (last.getTotalCount() > 0) {
                out.printf(Locale.ROOT, "round trip µs: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                        last.getValueAtPercentile(50) / 1e3, last.getValueAtPercentile(99) / 1e3,
                        last.getValueAtPercentile(99.9) / 1e3, last.getMaxValue() / 1e3);
                out.printf(Locale.ROOT, "broadcast: %d of %d measured rounds reached all %d connections; send to last receipt"
                                + " ms: p50 %.2f p99 %.2f max %.2f; send to first receipt ms: p50 %.2f p99 %.2f; errors %d%n",
                        last.getTotalCount(), rounds, connections, last.getValueAtPercentile(50) / 1e6,
                        last.getValueAtPercentile(99) / 1e6, last.getMaxValue() / 1e6, first.getValueAtPercentile(50) / 1e6,
                        first.getValueAtPercentile(99) / 1e6, errorCount);
            }
            out.flush();
            return errorCount == 0 && last.getTotalCount() == rounds ? 0 : 1;
        } finally {
            stopping = true;
            client.close();
        }
    }

    /** Opens every WebSocket; returns the first (the sender), or null when not all opened. */
    private WebSocket connectAll(Client client, URI uri) throws InterruptedException {
        WebSocketClient websockets = WebSocketClient.builder(client).handshakeTimeout(CONNECT_TIMEOUT).build();
        Semaphore connecting = new Semaphore(CONNECTING);
        List<CompletableFuture<WebSocket>> all = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            connecting.acquire();
            CompletableFuture<WebSocket> ws = websockets.connect(uri, new Receiver());
            ws.whenComplete((w, e) -> connecting.release());
            all.add(ws);
        }
        String failure = ConnectAll.await(all, CONNECT_TIMEOUT);
        if (failure != null) {
            out.println("ws-broadcast-load: " + failure);
            return null;
        }
        out.printf(Locale.ROOT, "ws-broadcast-load: %d WebSockets open%n", connections);
        out.flush();
        return all.get(0).join();
    }

    /** Sends round {@code number}'s message, and waits for it to reach every connection and for the period's end. */
    private Round round(WebSocket sender, long number) throws InterruptedException {
        byte[] message = new byte[size];
        ByteBuffer.wrap(message).putLong(number);
        long sentAt = System.nanoTime();
        ByteBuffer.wrap(message).putLong(8, sentAt);
        Round round = new Round(number, sentAt, connections);
        current = round;
        sender.sendBinary(message);
        if (!round.all.await(ROUND_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
            errors.addAndGet(Math.max(1, connections - round.received.get()));
        }
        long next = sentAt + PERIOD.toNanos() - System.nanoTime();
        if (next > 0) {
            TimeUnit.NANOSECONDS.sleep(next); // the rounds' pace: one message a period
        }
        return round;
    }

    private void report(String phase, Round round) {
        out.printf(Locale.ROOT, "%-7s round %d: %d of %d received, first %.2f ms, last %s%n", phase, round.number,
                round.received.get(), round.expected, round.firstAt == 0 ? Double.NaN : (round.firstAt - round.sentAt) / 1e6,
                round.lastAt == 0 ? "NOT ALL within " + ROUND_TIMEOUT.toSeconds() + " s"
                        : String.format(Locale.ROOT, "%.2f ms", (round.lastAt - round.sentAt) / 1e6));
        out.flush();
    }

    /** One connection's receipts. One handler for every connection would do; one each keeps the same shape as ws-load. */
    private final class Receiver implements WebSocketHandler {
        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            long now = System.nanoTime();
            Round round = current;
            if (data.remaining() != size || round == null || data.getLong(data.position()) != round.number) {
                errors.incrementAndGet(); // a late message of a round that timed out, or not ours
                return;
            }
            round.receipt(now);
        }

        @Override
        public void onText(WebSocket ws, String text) {
            errors.incrementAndGet();
        }

        @Override
        public void onClose(WebSocket ws, int status, String reason) {
            if (!stopping) {
                closedEarly.incrementAndGet();
            }
        }
    }
}
