package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.Server;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Responses far larger than the outbound limits reach a client that reads at full speed: the limits apply to the
 * bytes queued for the peer, never to the size of one response.
 */
class LargeResponseLoopbackTest {
    private static final int MIB = 1024 * 1024;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** A body that is not all zeros, so that a shifted or repeated slice changes the digest. */
    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 12));
        }
        return bytes;
    }

    private URI start(Routes routes) {
        Server server = Server.builder().workers(1).pipeline(new HttpService(routes)).start();
        toClose.add(server);
        return URI.create("http://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort());
    }

    /** Reads the answer at full speed and returns its status, length, SHA-256 and fields. */
    private static Object[] get(URI uri) throws Exception {
        return request(uri, "GET");
    }

    private static Object[] request(URI uri, String method) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        java.net.http.HttpResponse<InputStream> answer = client.send(java.net.http.HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60)).method(method, BodyPublishers.noBody()).build(), BodyHandlers.ofInputStream());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long length = 0;
        try (InputStream in = answer.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                length += n;
            }
        }
        return new Object[] {answer.statusCode(), length, sha.digest(), answer.headers()};
    }

    @Test
    void aSeventyMebibyteAnswerSentWholeReachesAClientThatReads() throws Exception {
        byte[] body = pattern(70 * MIB);
        URI uri = start(Routes.builder().get("/big", (req, res) -> res.send(HttpResponse.of(200).body(body))).build());

        Object[] got = get(uri.resolve("/big"));

        assertEquals(200, got[0]);
        assertEquals((long) body.length, got[1], "all 70 MiB arrive; the 64 MiB maxQueued limits bytes queued, not the answer");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body), (byte[]) got[2]);
    }

    @Test
    void aHundredMebibyteAnswerFromAnotherThreadReachesAClientThatReads() throws Exception {
        byte[] body = pattern(100 * MIB);
        URI uri = start(Routes.builder().get("/big", (req, res) -> new Thread(() ->
                res.send(HttpResponse.of(200).body(body)), "test-sender").start()).build());

        Object[] got = get(uri.resolve("/big"));

        assertEquals((long) body.length, got[1], "100 MiB, sent whole from another thread");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body), (byte[]) got[2]);
    }

    /** Writes {@code total} bytes of {@link #pattern} in 64 KiB chunks on the loop, while the stream may take them. */
    private static void produce(ResponseStream body, byte[] source, int[] offset, AtomicInteger callbacks) {
        while (body.isWritable() && offset[0] < source.length) {
            int n = Math.min(64 * 1024, source.length - offset[0]);
            body.write(Arrays.copyOfRange(source, offset[0], offset[0] + n));
            offset[0] += n;
        }
        if (offset[0] == source.length || !body.isOpen()) {
            body.end();
        } else {
            body.onWritable(() -> {
                callbacks.incrementAndGet();
                produce(body, source, offset, callbacks);
            });
        }
    }

    @Test
    void aSeventyMebibyteStreamOfKnownLengthProducedOnTheLoopWithoutPolling() throws Exception {
        byte[] source = pattern(70 * MIB);
        AtomicInteger callbacks = new AtomicInteger();
        URI uri = start(Routes.builder().get("/stream", (req, res) -> {
            ResponseStream body = res.stream(HttpResponse.of(200).header("Content-Type", "application/octet-stream"),
                    source.length);
            produce(body, source, new int[] {0}, callbacks);
        }).build());

        Object[] got = get(uri.resolve("/stream"));
        java.net.http.HttpHeaders fields = (java.net.http.HttpHeaders) got[3];

        assertEquals(200, got[0]);
        assertEquals(String.valueOf(source.length), fields.firstValue("Content-Length").orElse(null));
        assertTrue(fields.firstValue("Transfer-Encoding").isEmpty(), "a known length is not chunked");
        assertEquals((long) source.length, got[1]);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(source), (byte[]) got[2]);
        assertTrue(callbacks.get() > 0, "the loop producer waited for the callback " + callbacks.get() + " times");

        Object[] head = request(uri.resolve("/stream"), "HEAD");
        assertEquals(String.valueOf(source.length), ((java.net.http.HttpHeaders) head[3]).firstValue("Content-Length").orElse(null),
                "HEAD announces the length GET sends");
        assertEquals(0L, head[1]);
    }
}
