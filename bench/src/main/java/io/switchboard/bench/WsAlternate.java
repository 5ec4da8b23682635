package io.switchboard.bench;

import io.switchboard.server.Client;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket echo servers measured side by side in one sitting of the load ({@code ws-alternate}): the same
 * {@link WsEchoHandler} connections as {@code ws-load} (one text message in flight on each), {@code connections} to
 * every server at once, but only one server's connections are driven at a time. Each round gives every server one
 * window, in an order that turns round from one round to the next; a window is a short settle, then
 * {@code window} measured: the server's CPU time (every thread, {@code /proc/PID/task/*}/schedstat) over the messages
 * echoed. Windows of the same round are seconds apart, so the machine's drift between them is small; the load is the
 * same warm JVM for every server. Prints a line per window, then each server's median and its per-round ratio to the
 * first server (median and middle half). Not thread-safe: one run per instance.
 */
final class WsAlternate {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final long SETTLE_MILLIS = 500;
    private static final long DRAIN_MILLIS = 300;

    /** One server: a name for the report, its port, and its process, whose CPU time is read. */
    record Target(String name, int port, long pid) {
        /** Parses {@code NAME:PORT:PID}. */
        static Target parse(String text) {
            String[] parts = text.split(":");
            if (parts.length != 3) {
                throw new Args.UsageException("a target is NAME:PORT:PID, got " + text);
            }
            try {
                return new Target(parts[0], Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw new Args.UsageException("a target is NAME:PORT:PID, got " + text);
            }
        }
    }

    /** One measured window. */
    record Window(int round, String server, long messages, double seconds, long serverCpuNanos, long loadCpuNanos) {
        double microsPerMessage() {
            return serverCpuNanos / 1e3 / messages;
        }
    }

    private final String host;
    private final String path;
    private final List<Target> targets;
    private final int connections;
    private final int size;
    private final Duration warmup;
    private final Duration window;
    private final int rounds;
    private final Path csv;
    private final PrintStream out;
    private final CpuTime cpuTime;
    private final AtomicLong seeds = new AtomicLong(System.nanoTime());
    private final AtomicInteger closed = new AtomicInteger();
    /** Each target's counts. */
    private final EchoStats[] stats;
    /** Each target's connections. */
    private final List<List<WsEchoHandler>> handlers = new ArrayList<>();
    /** The index of the one target whose connections send, or -1 while none does. */
    private volatile int driven = -1;

    WsAlternate(String host, String path, List<Target> targets, int connections, int size, Duration warmup,
                Duration window, int rounds, Path csv, PrintStream out) throws IOException, InterruptedException {
        if (targets.size() < 2) {
            throw new Args.UsageException("ws-alternate needs two targets or more");
        }
        this.host = host;
        this.path = path;
        this.targets = List.copyOf(targets);
        this.connections = connections;
        this.size = size;
        this.warmup = warmup;
        this.window = window;
        this.rounds = rounds;
        this.csv = csv;
        this.out = out;
        this.cpuTime = new CpuTime(CpuTime.clockTicksPerSecond());
        this.stats = new EchoStats[targets.size()];
    }

    /** Connects, warms every server up, runs the rounds and reports; returns the exit code (1 on any error). */
    int run() throws IOException, InterruptedException {
        int n = targets.size();
        Client client = Client.builder().workers(1).connectTimeout(CONNECT_TIMEOUT).build();
        try {
            WebSocketClient websockets = WebSocketClient.builder(client).handshakeTimeout(CONNECT_TIMEOUT).build();
            List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                stats[t] = new EchoStats();
                int index = t;
                List<WsEchoHandler> own = new ArrayList<>();
                URI uri = URI.create("ws://" + host + ":" + targets.get(t).port() + path);
                for (int i = 0; i < connections; i++) {
                    WsEchoHandler handler = new WsEchoHandler(size, seeds.getAndIncrement(), stats[t],
                            () -> driven != index, closed::incrementAndGet);
                    own.add(handler);
                    pending.add(websockets.connect(uri, handler));
                }
                handlers.add(own);
            }
            String failure = ConnectAll.await(pending, CONNECT_TIMEOUT);
            if (failure != null) {
                out.println("ws-alternate: " + failure);
                return 1;
            }
            out.printf(Locale.ROOT, "ws-alternate: %d WebSockets to each of %s, %d-character texts, warm-up %.0f s each,"
                            + " %d rounds of %.1f s windows%n", connections, names(), size, warmup.toNanos() / 1e9, rounds,
                    window.toNanos() / 1e9);
            for (int t = 0; t < n; t++) {
                drive(t);
                Thread.sleep(warmup.toMillis());
                pause();
            }
            List<Window> windows = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                for (int k = 0; k < n; k++) {
                    int t = Math.floorMod(k * (r % 2 == 1 ? 1 : -1) + (r - 1) / 2, n);
                    Window w = measure(r, t);
                    windows.add(w);
                    out.printf(Locale.ROOT, "round %2d  %-12s %,9.0f msg/s  server %6.2f µs/msg  load %3.0f %%%n", r,
                            w.server(), w.messages() / w.seconds(), w.microsPerMessage(),
                            100.0 * w.loadCpuNanos() / 1e9 / w.seconds());
                    out.flush();
                    write(w);
                }
            }
            long errors = Arrays.stream(stats).mapToLong(EchoStats::errors).sum();
            report(windows);
            if (errors > 0 || closed.get() > 0) {
                out.printf(Locale.ROOT, "ws-alternate: %d errors, %d connections closed; first error: %s%n", errors,
                        closed.get(), Arrays.stream(stats).map(EchoStats::firstError).filter(e -> e != null).findFirst()
                                .orElse("none"));
                return 1;
            }
            return 0;
        } finally {
            driven = -1;
            client.close();
        }
    }

    private String names() {
        return String.join(", ", targets.stream().map(Target::name).toList());
    }

    /** Lets target {@code t}'s connections send (each starts with one message), and no other target's. */
    private void drive(int t) {
        driven = t;
        handlers.get(t).forEach(WsEchoHandler::resume);
    }

    /** Stops every connection sending and lets the last echoes come. */
    private void pause() throws InterruptedException {
        driven = -1;
        Thread.sleep(DRAIN_MILLIS);
    }

    private Window measure(int round, int t) throws IOException, InterruptedException {
        drive(t);
        Thread.sleep(SETTLE_MILLIS);
        long pid = targets.get(t).pid();
        EchoStats.Snapshot start = stats[t].snapshot();
        long serverStart = cpuTime.sample(pid).schedstatNanos();
        long loadStart = CpuTime.schedstatNanos(Path.of("/proc/self/task"));
        Thread.sleep(window.toMillis());
        EchoStats.Snapshot end = stats[t].snapshot();
        long serverEnd = cpuTime.sample(pid).schedstatNanos();
        long loadEnd = CpuTime.schedstatNanos(Path.of("/proc/self/task"));
        pause();
        return new Window(round, targets.get(t).name(), end.messages() - start.messages(),
                (end.nanos() - start.nanos()) / 1e9, serverEnd - serverStart, loadEnd - loadStart);
    }

    private void write(Window w) throws IOException {
        if (csv == null) {
            return;
        }
        if (!Files.exists(csv)) {
            Files.writeString(csv, "round,server,messages,seconds,server_cpu_ns,load_cpu_ns,server_us_per_msg\n");
        }
        Files.writeString(csv, String.format(Locale.ROOT, "%d,%s,%d,%.3f,%d,%d,%.3f%n", w.round(), w.server(),
                w.messages(), w.seconds(), w.serverCpuNanos(), w.loadCpuNanos(), w.microsPerMessage()),
                StandardOpenOption.APPEND);
    }

    /** Each server's median µs per message; each later server's per-round ratio to the first, median and middle half. */
    void report(List<Window> windows) {
        String first = targets.get(0).name();
        out.println("medians over " + rounds + " rounds:");
        for (Target t : targets) {
            double[] us = windows.stream().filter(w -> w.server().equals(t.name()))
                    .mapToDouble(Window::microsPerMessage).sorted().toArray();
            out.printf(Locale.ROOT, "  %-12s %6.2f µs/msg (%.2f – %.2f)%n", t.name(), quantile(us, 0.5), us[0],
                    us[us.length - 1]);
        }
        for (Target t : targets.subList(1, targets.size())) {
            double[] ratios = new double[rounds];
            for (int r = 1; r <= rounds; r++) {
                ratios[r - 1] = microsOf(windows, r, t.name()) / microsOf(windows, r, first);
            }
            Arrays.sort(ratios);
            out.printf(Locale.ROOT, "  %s / %s, same round: median %.3f, middle half %.3f – %.3f%n", t.name(), first,
                    quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75));
        }
        out.flush();
    }

    private static double microsOf(List<Window> windows, int round, String server) {
        return windows.stream().filter(w -> w.round() == round && w.server().equals(server)).findFirst()
                .orElseThrow().microsPerMessage();
    }

    /** The {@code q} quantile of sorted {@code values}, interpolated between neighbours. */
    static double quantile(double[] values, double q) {
        double at = q * (values.length - 1);
        int low = (int) Math.floor(at);
        int high = Math.min(values.length - 1, low + 1);
        return values[low] + (values[high] - values[low]) * (at - low);
    }
}
