package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Handler;
import java.io.EOFException;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request in flight and its answer: the responder handed to the handler (thread-safe: answers from
 * other threads are queued to the loop) and, on the loop, the state the connection drains in order.
 */
final class Exchange implements HttpResponder {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    private static final VarHandle ANSWERED;

    static {
        try {
            ANSWERED = MethodHandles.lookup().findVarHandle(Exchange.class, "answered", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final HttpConnection connection;
    final EventLoop loop;
    /** Null for an error answer to input that never became a request. */
    final HttpRequest request;
    final boolean head;

    /** Set once by the first answer, from any thread (a VarHandle instead of an AtomicBoolean: one object less per request). */
    @SuppressWarnings("unused")
    private volatile boolean answered;

    // Loop thread only from here on.
    /** The answer: a whole response, or the head of a streamed or file answer ({@link #body} or {@link #file} set). */
    HttpResponse response;
    /** The body of a streamed answer; set on the loop when the stream starts. */
    StreamedBody body;
    /** The body of an answer sent from a file; set on the loop with {@link #response}, its head. */
    FileBody file;
    /**
     * The answer's head is written and its body is still leaving: a streamed body, or a large whole one that
     * leaves in slices (a whole answer written at once never sets it).
     */
    boolean headWritten;
    /** The whole answer is written (set for the answers that set {@link #headWritten}). */
    boolean written;
    boolean closeAfter;
    boolean continuePending;
    /** The request offers an upgrade; set on the loop before the handler sees the request. */
    boolean upgradable;
    /** The handler of the protocol this exchange switches to, with {@link #response} the 101; null for none. */
    Handler upgradeTo;
    /** Set on the loop when the connection closed or gave up on this request; read from any thread. */
    volatile boolean dead;

    // Both objects of a request stay at 48 bytes (compressed oops): new state goes where a field has room.

    Exchange(HttpConnection connection, EventLoop loop, HttpRequest request) {
        this.connection = connection;
        this.loop = loop;
        this.request = request;
        this.head = request != null && request.method().equals("HEAD");
        this.closeAfter = request == null || !request.keepAlive();
    }

    @Override
    public void send(HttpResponse response) {
        if (response == null) {
            throw new NullPointerException("response");
        }
        if (response.status() < 200) {
            throw new IllegalArgumentException("status " + response.status() + " is informational: the server sends "
                    + "100 Continue itself, and 101 goes through upgrade()");
        }
        claim();
        if (loop.inLoop()) {
            respond(response);
        } else {
            onLoop(() -> respond(response));
        }
    }

    @Override
    public void upgrade(HttpResponse response, Handler protocol) {
        if (response.status() != 101) {
            throw new IllegalArgumentException("an upgrade answers 101 Switching Protocols, not " + response.status());
        }
        if (response.body().length != 0) {
            throw new IllegalArgumentException("a 101 response has no body");
        }
        Objects.requireNonNull(protocol, "protocol");
        if (!upgradable) {
            throw new IllegalStateException("request " + request + " offers no upgrade (HTTP/1.1, Upgrade, Connection: upgrade)");
        }
        claim();
        onLoop(() -> upgraded(response, protocol));
    }

    @Override
    public ResponseStream stream(HttpResponse head) {
        return startStream(head, -1);
    }

    @Override
    public ResponseStream stream(HttpResponse head, long contentLength) {
        if (contentLength < 0) {
            throw new IllegalArgumentException("a Content-Length is not negative, got " + contentLength);
        }
        return startStream(head, contentLength);
    }

    private ResponseStream startStream(HttpResponse head, long length) {
        if (head.body().length != 0) {
            throw new IllegalArgumentException("a streamed response's head has no body; write it to the stream");
        }
        claim();
        StreamedBody stream = connection.newBody(this, length);
        if (!onLoop(() -> streamStarted(head, stream))) {
            stream.close();
        }
        return stream;
    }

    @Override
    public void sendFile(HttpResponse head, FileChannel file, long position, long count) {
        Objects.requireNonNull(file, "file");
        try {
            if (head.body().length != 0) {
                throw new IllegalArgumentException("a file answer's head has no body of its own");
            }
            if (!ResponseEncoder.hasBody(head.status())) {
                throw new IllegalArgumentException("status " + head.status() + " has no body to send a file in");
            }
            if (position < 0 || count < 0 || position + count < 0) {
                throw new IllegalArgumentException("a range needs a position and a count of at least 0, got " + position
                        + " and " + count);
            }
        } catch (RuntimeException e) {
            FileBody.range(file, position, count).close();
            throw e;
        }
        sendFile(head, FileBody.range(file, position, count));
    }

    /**
     * Answers with {@code head} and {@code body}: a file, maybe not opened yet (the static files' answers). The body
     * is closed when this throws.
     *
     * @throws IllegalStateException when the request was already answered
     */
    void sendFile(HttpResponse head, FileBody body) {
        try {
            claim();
        } catch (RuntimeException e) {
            body.close();
            throw e;
        }
        if (!onLoop(() -> fileAnswered(head, body))) {
            body.close();
        }
    }

    @Override
    public void fail(Throwable error) {
        if (ANSWERED.compareAndSet(this, false, true)) {
            onLoop(() -> handlerFailed(error));
        } else {
            onLoop(() -> handlerFailedAfterAnswer(error));
        }
    }

    @Override
    public boolean isAnswered() {
        return answered;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    // On the loop: the answer is recorded, and the connection writes what is due in request order.

    /** The whole answer, or the server's own answer to a failure. */
    private void respond(HttpResponse answer) {
        assert loop.inLoop();
        if (dead) {
            return;
        }
        response = answer;
        connection.drain();
    }

    private void upgraded(HttpResponse switching, Handler protocol) {
        assert loop.inLoop();
        if (dead) {
            return;
        }
        response = switching;
        upgradeTo = protocol;
        connection.drain();
    }

    private void streamStarted(HttpResponse head, StreamedBody stream) {
        assert loop.inLoop();
        if (dead) {
            stream.close();
            return;
        }
        response = head;
        body = stream;
        connection.drain();
    }

    private void fileAnswered(HttpResponse head, FileBody fileBody) {
        assert loop.inLoop();
        if (dead) {
            fileBody.close();
            return;
        }
        response = head;
        file = fileBody;
        connection.drain();
    }

    /**
     * The handler threw or failed its responder: an {@link HttpException} is answered with its status, a
     * {@link RejectedExecutionException} (an offload executor that is full or closed) with 503, anything
     * else with 500.
     */
    private void handlerFailed(Throwable error) {
        assert loop.inLoop();
        SocketAddress from = connection.remoteAddress();
        if (dead) {
            // The connection gave up on the request (its client left, say): the failure is the handler's answer to that.
            log.debug("the handler of {} from {} failed after the connection gave up: {}", request, from, error.toString());
            return;
        }
        HttpService service = connection.service();
        if (error instanceof HttpException refusal) {
            log.debug("handler refused {} from {}: {}", request, from, refusal.getMessage());
            respond(service.errorAnswer(request, refusal));
        } else if (error instanceof RejectedExecutionException) {
            log.debug("no room to run the handler of {} from {}: {}", request, from, error.getMessage());
            respond(service.errorAnswer(request, 503, "the server is busy; try again later"));
        } else {
            log.warn("handler failed on {} from {}; answering 500", request, from, error);
            respond(service.errorAnswer(request, 500, "the handler failed"));
        }
    }

    private void handlerFailedAfterAnswer(Throwable error) {
        assert loop.inLoop();
        if (bodyIn() != null && bodyIn().isFailure(error)) {
            // The body failed, and the server answered it (or the connection is gone): nothing more to say.
            log.debug("the handler of {} from {} gave up after the answer: {}", request, connection.remoteAddress(),
                    error.toString());
        } else {
            log.warn("handler failed on {} from {} after answering", request, connection.remoteAddress(), error);
        }
        if (body != null && !written && !dead) {
            // A streamed body cut short: only a reset tells the client it is incomplete.
            connection.abort();
        }
    }

    /** Marks the exchange answered by the server itself (an error found before the handler ran). */
    boolean claimByServer() {
        return ANSWERED.compareAndSet(this, false, true);
    }

    /**
     * The connection closed or gave up on this request: late answers are dropped, its answer's stream closes,
     * and a streamed request body not read to its end fails. Loop thread only.
     */
    void kill() {
        assert loop.inLoop();
        dead = true;
        if (body != null) {
            body.close();
        }
        if (file != null) {
            file.close();
        }
        IncomingBody bodyIn = bodyIn();
        if (bodyIn != null) {
            bodyIn.fail(new EOFException("the connection closed before the request body was read to its end"));
        }
    }

    /** {@return the request's body when it is streamed to the handler; null when the handler gets it whole} */
    IncomingBody bodyIn() {
        return request == null ? null : request.incoming();
    }

    /** {@return true while a body has started to leave and not all of it has: a close now would cut it short} */
    boolean bodyOpen() {
        return headWritten && !written && !head;
    }

    private void claim() {
        if (!ANSWERED.compareAndSet(this, false, true)) {
            throw new IllegalStateException("request " + request + " was already answered");
        }
    }

    /** Runs {@code task} on the loop; returns false (and drops it) once the loop stopped, which closed the connection. */
    private boolean onLoop(Runnable task) {
        if (loop.inLoop()) {
            task.run();
            return true;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            log.debug("the answer to {} is dropped: the connection's loop has stopped", request);
            return false;
        }
    }
}
