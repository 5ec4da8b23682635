package io.switchboard.bench;

import io.switchboard.http2.Http2ClientConnection;
import io.switchboard.http2.Http2Request;
import io.switchboard.http2.Http2RequestException;
import io.switchboard.http2.Http2Response;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 load connection (the load generator's {@code --h2} mode): keeps {@code streams} requests in flight on
 * an {@link Http2ClientConnection}, closed loop, each answer sending the next request on its stream's slot. Latency
 * runs from the send to the answer's end; the clock is read once per answer, and that instant is also the next
 * request's send time. A slot is a reusable callback, so a request costs the generator no allocation of its own
 * beyond the client's. An answer that fails on its own (its stream reset) counts as a parse error and the slot
 * goes on; the connection's end is counted once, by the caller. Loop thread only, but
 * {@link #start()}.
 */
final class H2LoadConnection {
    private static final Logger log = LoggerFactory.getLogger(H2LoadConnection.class);

    private final Http2ClientConnection connection;
    private final Http2Request request;
    private final int streams;
    private final HttpLoadStats stats;
    private final BooleanSupplier stopping;
    private int inFlight;

    /**
     * @param connection the open connection
     * @param request    the request every stream sends
     * @param streams    requests in flight
     * @param stats      where answers and errors are counted
     * @param stopping   true once the run is over: no more request is sent
     */
    H2LoadConnection(Http2ClientConnection connection, Http2Request request, int streams, HttpLoadStats stats,
                     BooleanSupplier stopping) {
        this.connection = connection;
        this.request = request;
        this.streams = streams;
        this.stats = stats;
        this.stopping = stopping;
    }

    /** Sends the first {@code streams} requests, on the connection's loop. Thread-safe. */
    void start() {
        connection.connection().loop().execute(() -> {
            long now = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                new Slot().send(now);
            }
        });
    }

    /** {@return the requests sent and not answered yet} Loop thread only. */
    int inFlight() {
        assert connection.connection().loop().inLoop();
        return inFlight;
    }

    /**
     * A request failed. The connection's failure (the client gives it as the cause) is counted once, by whoever
     * watches the connection; a stream's (a reset, a GOAWAY that refused it) counts here, and the slot sends again
     * after a reset only, so that a refusal on the spot cannot loop.
     */
    private void failed(Throwable failure, long now, Slot slot) {
        Http2RequestException e = failure instanceof Http2RequestException x ? x : null;
        if (stopping.getAsBoolean() || e == null || e.getCause() != null) {
            return;
        }
        stats.parseError(connection + ": " + e.getMessage());
        log.debug("{}: {}", connection, e.getMessage());
        if (e.error() != null) {
            slot.send(now);
        }
    }

    /** One request in flight at a time, again and again. */
    private final class Slot implements BiConsumer<Http2Response, Throwable> {
        private long sentAt;

        void send(long now) {
            sentAt = now;
            inFlight++;
            connection.send(request, this);
        }

        @Override
        public void accept(Http2Response answer, Throwable failure) {
            inFlight--;
            long now = System.nanoTime();
            if (failure != null) {
                failed(failure, now, this);
                return;
            }
            stats.responses(1, now - sentAt);
            if (answer.status() < 200 || answer.status() > 299) {
                stats.non2xx(answer.status());
            }
            if (!stopping.getAsBoolean()) {
                send(now);
            }
        }
    }
}
