package io.switchboard.bench;

import io.switchboard.codec.LineCodec;
import io.switchboard.loop.LoopGroup;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Client;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Broadcast fan-out latency of the chat example: {@code clients} line clients spread round robin over the chat ports
 * given (one instance, or several that share a room through Redis), and one more client that says a numbered,
 * timestamped line {@code rate} times a second. Every other client gets each line; a line's fan-out latency is the time
 * from its send to its last receipt, over all clients. The generator is one process, so sends and receipts are timed
 * on one clock. Reports p50, p99 and the maximum of that latency over the lines every client received, the same
 * percentiles over each single receipt, and the lines some client never got (with three instances and Redis, a line
 * the room or Redis dropped would show here).
 *
 * <p>Before measuring it waits for the joins to settle: each client's join is a line to every other client (3,000
 * clients make 9 million join lines), and a measured line queued behind them would measure the join storm. It waits
 * until a probe line said by the sender has reached every client.
 */
final class FanoutLoad {
    private static final String TAG = "fan ";
    private static final String PROBE = "probe ";

    private final List<Integer> ports;
    private final int clients;
    private final int lines;
    private final int rate;
    private final int loops;
    private final PrintStream out;

    private final AtomicLong receipts = new AtomicLong();
    /** The probe being waited for, and how many clients got it. */
    private volatile int probe;
    private final java.util.concurrent.atomic.AtomicInteger probeHits = new java.util.concurrent.atomic.AtomicInteger();
    private AtomicLongArray sent;
    private AtomicLongArray lastReceipt;
    private AtomicIntegerArray receivedBy;
    private final Histogram each = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

    FanoutLoad(List<Integer> ports, int clients, int lines, int rate, int loops, PrintStream out) {
        this.ports = ports;
        this.clients = clients;
        this.lines = lines;
        this.rate = rate;
        this.loops = loops;
        this.out = out;
    }

    int run() throws InterruptedException, IOException {
        int total = lines + 1; // line numbers from 1
        sent = new AtomicLongArray(total);
        lastReceipt = new AtomicLongArray(total);
        receivedBy = new AtomicIntegerArray(total);
        LoopGroup group = new LoopGroup("fanout", loops);
        try (Client client = Client.builder().loops(group).connectTimeout(Duration.ofSeconds(30))
                .pipeline(p -> p.add(new LineCodec(8192)).add(new Receiver())).build()) {
            List<CompletableFuture<Connection>> pending = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                pending.add(client.connect("127.0.0.1", ports.get(i % ports.size())));
                if (i % 100 == 99) {
                    await(CompletableFuture.allOf(pending.toArray(CompletableFuture<?>[]::new)));
                }
            }
            await(CompletableFuture.allOf(pending.toArray(CompletableFuture<?>[]::new)));
            Connection sender = await(client.connect(new java.net.InetSocketAddress("127.0.0.1", ports.get(0)), false,
                    p -> p.add(new LineCodec(8192)).add(new Pong())));
            out.printf("%d clients on %d instance(s) connected; waiting for the joins to settle%n", clients, ports.size());
            long settleStart = System.nanoTime();
            while (true) {
                probeHits.set(0);
                probe++;
                sender.writeAndFlush(PROBE + probe);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (probeHits.get() < clients && System.nanoTime() < until) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                if (probeHits.get() == clients) {
                    break;
                }
                if (System.nanoTime() - settleStart > TimeUnit.MINUTES.toNanos(5)) {
                    out.println("the joins did not settle within 5 minutes: " + probeHits.get() + " of " + clients
                            + " clients got the last probe");
                    return 1;
                }
            }
            out.printf("settled after %.1f s (%,d lines received so far); sending %d lines at %d/s%n",
                    (System.nanoTime() - settleStart) / 1e9, receipts.get(), lines, rate);
            synchronized (each) {
                each.reset();
            }
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long next = System.nanoTime();
            for (int n = 1; n <= lines; n++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                say(sender, n);
                next += interval;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!allReceived() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            report();
            sender.close();
        } finally {
            group.shutdown(Duration.ofSeconds(5));
        }
        return 0;
    }

    /** Waits up to a minute for a connect (or all of a batch). */
    private static <T> T await(CompletableFuture<T> future) throws InterruptedException, IOException {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("cannot connect: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("connections not open within 60 s", e);
        }
    }

    private void say(Connection sender, int n) {
        long now = System.nanoTime();
        sent.set(n, now);
        sender.writeAndFlush(TAG + n + " " + now);
    }

    private boolean allReceived() {
        for (int n = 1; n <= lines; n++) {
            if (receivedBy.get(n) < clients) {
                return false;
            }
        }
        return true;
    }

    private void report() {
        Histogram last = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        int complete = 0;
        long incomplete = 0;
        for (int n = 1; n <= lines; n++) {
            if (receivedBy.get(n) == clients) {
                last.recordValue(Math.max(0, lastReceipt.get(n) - sent.get(n)));
                complete++;
            } else {
                incomplete++;
            }
        }
        out.printf("fan-out to %d clients on %d instance(s): %d lines, %d received by every client, %d not%n",
                clients, ports.size(), lines, complete, incomplete);
        out.printf("send to last receipt: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", ms(last.getValueAtPercentile(50)),
                ms(last.getValueAtPercentile(99)), ms(last.getMaxValue()));
        out.printf("send to each receipt: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d receipts)%n",
                ms(each.getValueAtPercentile(50)), ms(each.getValueAtPercentile(99)), ms(each.getMaxValue()),
                each.getTotalCount());
        out.printf("RESULT instances=%d clients=%d lines=%d rate=%d complete=%d last_p50_ms=%.2f last_p99_ms=%.2f"
                        + " last_max_ms=%.2f each_p50_ms=%.2f each_p99_ms=%.2f%n", ports.size(), clients, lines, rate,
                complete, ms(last.getValueAtPercentile(50)), ms(last.getValueAtPercentile(99)), ms(last.getMaxValue()),
                ms(each.getValueAtPercentile(50)), ms(each.getValueAtPercentile(99)));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Answers the server's heartbeat, so that a client idle between lines is not taken for gone. */
    private static final class Pong implements Handler {
        @Override
        public void read(HandlerContext ctx, Object message) {
            if ("PING".equals(message)) {
                ctx.write("PONG");
            }
        }
    }

    /** A measured client: times each numbered line it gets; everything else (joins, welcomes) it drops. */
    private final class Receiver implements Handler {
        @Override
        public void read(HandlerContext ctx, Object message) {
            String line = (String) message;
            receipts.incrementAndGet();
            if ("PING".equals(line)) {
                ctx.write("PONG");
                return;
            }
            int at = line.indexOf(": " + TAG);
            if (at < 0) {
                if (line.endsWith(": " + PROBE + probe)) {
                    probeHits.incrementAndGet();
                }
                return;
            }
            long now = System.nanoTime();
            String[] fields = line.substring(at + 2 + TAG.length()).split(" ");
            int n = Integer.parseInt(fields[0]);
            if (n < 1 || n > lines) {
                return;
            }
            receivedBy.incrementAndGet(n);
            long sentAt = Long.parseLong(fields[1]);
            lastReceipt.accumulateAndGet(n, now, Math::max);
            synchronized (each) {
                each.recordValue(Math.max(0, now - sentAt));
            }
        }
    }

    /** {@return the ports of a comma-separated list} */
    static List<Integer> ports(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).map(Integer::parseInt).toList();
    }
}
