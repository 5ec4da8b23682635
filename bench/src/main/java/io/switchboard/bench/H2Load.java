package io.switchboard.bench;

import io.switchboard.http2.Http2Client;
import io.switchboard.http2.Http2ClientConnection;
import io.switchboard.http2.Http2Request;
import io.switchboard.server.Client;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of an HTTP/2 load run ({@code load --h2}): opens the connections with Switchboard's
 * {@link Http2Client} (h2c with prior knowledge, or h2 over TLS by ALPN for an https URL), waits for all, and starts
 * {@link H2LoadConnection}'s streams on each. A connection the server ends before the run is over counts as a
 * connection error. Not thread-safe: one run.
 */
final class H2Load {
    private static final Logger log = LoggerFactory.getLogger(H2Load.class);

    private H2Load() {
    }

    /** The request every stream sends: the same method, path and body as the HTTP/1 mode's. */
    static Http2Request request(HttpLoadConfig config) {
        if (!config.method().equals("POST")) {
            return Http2Request.get(config.path());
        }
        byte[] body = new byte[config.bodyBytes()];
        new SplittableRandom(1).nextBytes(body);
        return Http2Request.post(config.path(), body).withHeader("content-type", "application/octet-stream");
    }

    /**
     * Opens {@code config.connections()} HTTP/2 connections on {@code client} and starts their streams.
     *
     * @param allClosed counted down once per connection when it closes
     * @return null when every connection is open, otherwise why not
     */
    static String open(HttpLoadConfig config, Client client, HttpLoadStats stats, BooleanSupplier stopping,
                       CountDownLatch allClosed, Duration timeout) throws InterruptedException {
        Http2Client h2 = Http2Client.builder(client).build();
        Http2Request request = request(config);
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        List<CompletableFuture<Http2ClientConnection>> pending = new ArrayList<>();
        for (int i = 0; i < config.connections(); i++) {
            CompletableFuture<Http2ClientConnection> c = h2.connect(address, config.tls() != null);
            c.whenComplete((connection, error) -> {
                if (error != null) {
                    allClosed.countDown();
                    return;
                }
                connection.closeFuture().whenComplete((done, e) -> {
                    if (!stopping.getAsBoolean()) {
                        stats.connectionError(connection + " closed by the server");
                        log.warn("{} closed by the server", connection);
                    }
                    allClosed.countDown();
                });
                new H2LoadConnection(connection, request, config.h2Streams(), stats, stopping).start();
            });
            pending.add(c);
        }
        return ConnectAll.await(pending, timeout);
    }
}
