package io.switchboard.http;

import io.switchboard.testing.EmbeddedConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the native memory an HTTP connection holds for compression: the growth of the process's resident set
 * (RSS, from {@code /proc/self/status}) for N connections, each with a compressed stream under way (one 1 KiB
 * write, flushed, then 32 KiB more: the deflater's window full), then once every stream has ended (the deflaters
 * back in their loops' pools, four kept per loop, the rest ended). Each connection is an embedded one with a loop
 * of its own, so each keeps up to four idle deflaters; the program counts what the pools hold. Not a test: a
 * program, so that docs/http.md can say how its numbers were taken. The heap is fixed and touched up front, so RSS
 * grows only with memory outside it. Run from the framework module after {@code mvn test-compile}:
 *
 * <pre>
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp target/classes:target/test-classes:$SLF4J_API_JAR \
 *     io.switchboard.http.CompressionMemory 1000
 * </pre>
 */
final class CompressionMemory {
    private CompressionMemory() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        byte[] first = Gzip.json(1024);
        byte[] more = Gzip.json(32 * 1024);
        HttpConfig config = HttpConfig.DEFAULTS.withCompression(CompressionOptions.DEFAULTS);
        List<EmbeddedConnection> connections = new ArrayList<>();
        List<ResponseStream> streams = new ArrayList<>();
        Routes routes = Routes.builder().get("/events", (req, res) ->
                streams.add(res.stream(HttpResponse.of(200).header("Content-Type", "text/event-stream")))).build();
        HttpService service = new HttpService(config, routes);
        String request = "GET /events HTTP/1.1\r\nHost: m\r\nAccept-Encoding: gzip\r\n\r\n";
        long start = rss();
        for (int i = 0; i < n; i++) {
            EmbeddedConnection c = new EmbeddedConnection(service);
            c.feed(request);
            connections.add(c);
        }
        report(n, "connections with a stream started, nothing written", rss() - start);
        for (int i = 0; i < n; i++) {
            streams.get(i).write(first);
            connections.get(i).runPending();
            connections.get(i).discardWritten();
        }
        report(n, "each stream compressed 1 KiB (deflater lent)", rss() - start);
        for (int i = 0; i < n; i++) {
            streams.get(i).write(more);
            connections.get(i).runPending();
            connections.get(i).discardWritten();
        }
        report(n, "each stream compressed 33 KiB (window full)", rss() - start);
        long lent = 0;
        for (int i = 0; i < n; i++) {
            lent += ZlibPool.of(connections.get(i).connection().loop()).lent();
            streams.get(i).end();
            connections.get(i).runPending();
            connections.get(i).discardWritten();
        }
        long idle = 0;
        for (EmbeddedConnection c : connections) {
            idle += ZlibPool.of(c.connection().loop()).deflaters();
        }
        report(n, "streams ended (" + lent + " deflaters were lent, " + idle + " idle in pools now)", rss() - start);
        for (EmbeddedConnection c : connections) {
            c.connection().close();
            c.runPending();
        }
    }

    private static void report(int n, String what, long bytes) {
        System.out.printf("%-80s %8.1f KiB per connection (%d MiB for %d)%n", what, bytes / 1024.0 / n, bytes >> 20, n);
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
