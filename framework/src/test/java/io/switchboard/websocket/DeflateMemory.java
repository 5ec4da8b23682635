package io.switchboard.websocket;

import io.switchboard.testing.EmbeddedConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Measures the native memory permessage-deflate costs per connection: the growth of the process's resident set (RSS,
 * from {@code /proc/self/status}) for N JDK Deflater and Inflater pairs, made, used for one message, and ended, then
 * for N WebSocket stages with deflate, before and after the idle release. Not a test: a program, so that
 * docs/websocket.md can say how its numbers were taken. The heap is fixed and touched up front, so RSS grows only
 * with memory outside it; no collection is forced (every object measured stays reachable anyway). Each kind runs in
 * a JVM of its own, since memory zlib gives back stays with the C allocator and would be reused by the next kind.
 * Run from the framework module after {@code mvn test-compile}:
 *
 * <pre>
 * for what in pairs stages stages-no-client-context; do
 *   java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp target/classes:target/test-classes:$SLF4J_API_JAR \
 *       io.switchboard.websocket.DeflateMemory $what 1000
 * done
 * </pre>
 */
final class DeflateMemory {
    private DeflateMemory() {
    }

    public static void main(String[] args) throws IOException {
        String what = args.length > 0 ? args[0] : "pairs";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        byte[] message = message(1024);
        switch (what) {
            case "pairs" -> pairs(n, message, message(32 * 1024));
            case "stages" -> stages(n, message, false);
            case "stages-no-client-context" -> stages(n, message, true);
            default -> throw new IllegalArgumentException("pairs, stages or stages-no-client-context");
        }
    }

    private static void pairs(int n, byte[] message, byte[] window) throws IOException {
        long start = rss();
        List<Deflater> deflaters = new ArrayList<>();
        List<Inflater> inflaters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            deflaters.add(new Deflater(Deflater.DEFAULT_COMPRESSION, true));
            inflaters.add(new Inflater(true));
        }
        long made = rss();
        report(n, "JDK pairs made, not used", made - start);
        byte[] out = new byte[64 * 1024];
        byte[] back = new byte[64 * 1024];
        for (int i = 0; i < n; i++) {
            roundTrip(deflaters.get(i), inflaters.get(i), message, out, back);
        }
        long used = rss();
        report(n, "JDK pairs after one 1 KiB message", used - start);
        for (int i = 0; i < n; i++) {
            roundTrip(deflaters.get(i), inflaters.get(i), window, out, back);
        }
        long full = rss();
        report(n, "JDK pairs after a 32 KiB message (windows full)", full - start);
        deflaters.forEach(Deflater::end);
        inflaters.forEach(Inflater::end);
        report(n, "JDK pairs ended (RSS still held above the start)", rss() - start);
    }

    private static void stages(int n, byte[] message, boolean clientNoContext) throws IOException {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withDeflate(DeflateOptions.DEFAULTS);
        PerMessageDeflate deflate = new PerMessageDeflate(false, clientNoContext, 0, 0);
        String text = new String(message, StandardCharsets.UTF_8);
        byte[] frame = Wire.masked(Wire.FIN | Wire.TEXT | Wire.RSV1, compressed(message));
        long start = rss();
        List<EmbeddedConnection> connections = new ArrayList<>();
        List<Recorder> handlers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Recorder r = new Recorder();
            connections.add(new EmbeddedConnection(p -> p.add(WebSocketStage.server(r, config, deflate))));
            handlers.add(r);
        }
        long open = rss();
        String name = clientNoContext ? "stages, client_no_context_takeover" : "stages, context takeover both ways";
        report(n, name + ": open, nothing compressed", open - start);
        for (int i = 0; i < n; i++) {
            connections.get(i).feed(frame);
            handlers.get(i).ws.sendText(text);
            connections.get(i).runPending();
            connections.get(i).discardWritten();
        }
        long used = rss();
        report(n, name + ": one 1 KiB message each way", used - start);
        for (EmbeddedConnection c : connections) {
            c.advance(Duration.ofSeconds(10));
        }
        long idle = rss();
        report(n, name + ": after 10 s idle (released: deflater"
                + (clientNoContext ? " and inflater)" : " only)"), idle - start);
        // A second set, made while the first stays open: what the first let go is reused.
        List<EmbeddedConnection> more = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Recorder r = new Recorder();
            EmbeddedConnection c = new EmbeddedConnection(p -> p.add(WebSocketStage.server(r, config, deflate)));
            c.feed(frame);
            r.ws.sendText(text);
            c.runPending();
            c.discardWritten();
            more.add(c);
        }
        report(n, name + ": growth for a second set, one message each way", rss() - idle);
        for (EmbeddedConnection c : connections) {
            c.connection().close();
            c.runPending();
        }
        more.forEach(c -> c.connection().close());
    }

    /** {@code message} compressed as a peer would send it: sync flush, the four-byte tail left off. */
    private static byte[] compressed(byte[] message) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(message);
        byte[] out = new byte[message.length + 64];
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        d.end();
        return java.util.Arrays.copyOf(out, n - 4);
    }

    private static void roundTrip(Deflater d, Inflater i, byte[] message, byte[] out, byte[] back) {
        d.setInput(message);
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        i.setInput(out, 0, n);
        try {
            i.inflate(back);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON-like text of {@code size} bytes: compressible, as chat messages and events are. */
    private static byte[] message(int size) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < size; i++) {
            b.append("{\"id\":").append(i * 7919 % 10007).append(",\"user\":\"user").append(i % 97)
                    .append("\",\"text\":\"message number ").append(i).append("\"},");
        }
        return b.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    private static void report(int n, String what, long bytes) {
        System.out.printf("%-75s %8.1f KiB per connection (%d MiB for %d)%n", what, bytes / 1024.0 / n, bytes >> 20, n);
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
