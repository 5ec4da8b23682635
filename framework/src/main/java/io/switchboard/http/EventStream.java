package io.switchboard.http;

import io.switchboard.internal.ClosingBody;
import io.switchboard.loop.EventLoop;
import io.switchboard.loop.Scheduled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Server-Sent Events stream (WHATWG HTML section 9.2): the answer to one request, kept open, that carries
 * events to a browser's {@code EventSource} (or {@code curl -N}). Thread-safe: send from any thread.
 *
 * <pre>{@code
 * routes.get("/events", (request, responder) -> {
 *     EventStream events = EventStream.open(request, responder);
 *     String since = events.lastEventId();        // the browser's last id after a reconnect, or null
 *     feed.subscribe(events);                       // later, from any thread: events.send(...)
 * });
 * }</pre>
 *
 * <p>The answer is {@code 200} with {@code Content-Type: text/event-stream}, {@code Cache-Control:
 * no-cache} and {@code X-Accel-Buffering: no} (so nginx passes events on at once), chunked for HTTP/1.1.
 * While nothing is sent for a heartbeat interval (default 15 s) a comment line goes out, so that proxies and
 * load balancers with an idle timeout keep the connection, and a client that went away is found at the next
 * write; one loop timer per stream, stopped when the stream ends.
 *
 * <p><b>Backpressure</b> is that of {@link ResponseStream}: a send from a thread other than the loop waits
 * while the client is a watermark behind (and gives up after {@link HttpConfig#sendTimeout()}, resetting the
 * connection); a send on the loop never waits. A producer that must not wait for one slow client (a
 * broadcast to many) checks {@link #isWritable()} first and skips or closes that client.
 *
 * <p><b>The end.</b> {@link #onClose} tells when the stream is over, whoever ended it: the client went away (its
 * connection closed or was reset: a client that only half-closes is found at the next send or heartbeat), the
 * server closed the stream ({@link #close()}), or a writer gave up on a client that took nothing for the send
 * timeout. A subscriber registers its removal there instead of polling {@link #isOpen()}.
 */
public final class EventStream {
    /** Default interval of heartbeat comments: 15 s, under the 30–60 s idle timeouts of common proxies. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    private static final ServerSentEvent HEARTBEAT = ServerSentEvent.comment("");

    private final ResponseStream body;
    private final String lastEventId;
    private final EventLoop loop;
    private final long heartbeatNanos;
    /** Set by every send; cleared by the heartbeat timer, which sends a comment only when it finds it clear. */
    private volatile boolean sentSinceBeat;
    private volatile Scheduled beat;
    /** The callbacks of {@link #onClose} waiting for the end; loop thread only (no array until the first). */
    private final List<Runnable> closeCallbacks = new ArrayList<>();
    /** Set once the stream is over and its callbacks ran; loop thread only. */
    private boolean over;

    private EventStream(ResponseStream body, String lastEventId, EventLoop loop, Duration heartbeat) {
        this.body = body;
        this.lastEventId = lastEventId;
        this.loop = loop;
        this.heartbeatNanos = heartbeat.isZero() ? 0 : heartbeat.toNanos();
    }

    /**
     * Answers {@code request} with an event stream and heartbeats every {@link #DEFAULT_HEARTBEAT}.
     *
     * @param request   the request, for its {@code Last-Event-ID}
     * @param responder its responder; the stream is its answer
     * @return the stream
     */
    public static EventStream open(HttpRequest request, HttpResponder responder) {
        return open(request, responder, DEFAULT_HEARTBEAT);
    }

    /**
     * Answers {@code request} with an event stream.
     *
     * @param request   the request, for its {@code Last-Event-ID}
     * @param responder its responder; the stream is its answer
     * @param heartbeat how long the stream may stay silent before a comment is sent; zero for no heartbeat
     * @return the stream
     * @throws IllegalArgumentException when {@code heartbeat} is negative
     * @throws IllegalStateException    when the request was already answered
     */
    public static EventStream open(HttpRequest request, HttpResponder responder, Duration heartbeat) {
        if (heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat must be zero or positive, got " + heartbeat);
        }
        ResponseStream body = responder.stream(HttpResponse.of(200)
                .header("Content-Type", "text/event-stream")
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no"));
        EventStream stream = new EventStream(body, request.headers().get("Last-Event-ID"), responder.loop(), heartbeat);
        stream.scheduleBeat();
        if (body instanceof ClosingBody) {
            ((ClosingBody) body).onClose(stream::connectionClosed);
        }
        return stream;
    }

    /** {@return the {@code Last-Event-ID} the client sent (the id of the last event it saw before reconnecting), or null} */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * Sends {@code event}; from a thread other than the loop, waits while the client is a watermark behind.
     *
     * @param event the event, encoded once however many streams it goes to
     */
    public void send(ServerSentEvent event) {
        sentSinceBeat = true;
        body.write(event.bytes());
    }

    /**
     * Sends an event with only {@code data}: the browser's {@code message} event.
     *
     * @param data any text
     */
    public void send(String data) {
        send(ServerSentEvent.data(data));
    }

    /** {@return false once the stream ended or its connection closed: stop sending} */
    public boolean isOpen() {
        return body.isOpen();
    }

    /** {@return true while a send would not wait: the client keeps up} */
    public boolean isWritable() {
        return body.isWritable();
    }

    /**
     * Ends the stream (the browser reconnects after its retry time unless it is closed on its side); the
     * {@link #onClose} callbacks run. Does nothing more once the stream is over.
     */
    public void close() {
        stopBeat();
        body.end();
        onLoop(this::ended);
    }

    /**
     * Asks for {@code callback} to run on the connection's loop once the stream is over: its connection closed (the
     * client went away, or the server closed the connection), {@link #close()} ended it, or a writer gave up on a
     * client that took nothing for the send timeout. Each callback given runs exactly once, in the order given; one
     * given when the stream is already over runs soon, never inside this call (as {@link ResponseStream#onWritable}
     * does). Callable from any thread. A callback must not block; what it throws is logged and the others still run.
     * Once the loop has stopped (the server shut down) nothing more runs on it, and a callback not yet run is dropped.
     *
     * @param callback what to run on the loop, such as the removal of this stream from a list of subscribers
     */
    public void onClose(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        if (loop.inLoop() && !over) {
            closeCallbacks.add(callback);
            return;
        }
        execute(() -> {
            if (over) {
                runCallback(callback);
            } else {
                closeCallbacks.add(callback);
            }
        });
    }

    /** The connection closed, or gave up on this answer: from its loop, or from any thread when the loop stopped. */
    private void connectionClosed() {
        stopBeat();
        onLoop(this::ended);
    }

    /** The stream is over: the heartbeat stops and the close callbacks run, once. Loop thread only. */
    private void ended() {
        assert loop.inLoop();
        if (over) {
            return;
        }
        over = true;
        stopBeat();
        for (Runnable callback : closeCallbacks) {
            runCallback(callback);
        }
        closeCallbacks.clear();
    }

    private void runCallback(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("a close callback of an event stream failed", e);
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inLoop()) {
            task.run();
        } else {
            execute(task);
        }
    }

    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("a close callback of an event stream is dropped: the loop has stopped");
        }
    }

    private void stopBeat() {
        Scheduled b = beat;
        if (b != null) {
            b.cancel();
        }
    }

    private void scheduleBeat() {
        if (heartbeatNanos == 0 || !body.isOpen()) {
            return;
        }
        try {
            beat = loop.schedule(this::heartbeat, heartbeatNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The loop stopped: the connection is closed with it.
        }
    }

    private void heartbeat() {
        if (!body.isOpen()) {
            return;
        }
        if (!sentSinceBeat && body.isWritable()) {
            body.write(HEARTBEAT.bytes());
        }
        sentSinceBeat = false;
        scheduleBeat();
    }
}
