package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request in flight and its answer: the responder handed to the handler (thread-safe: answers from
 * other threads are queued to the loop) and, on the loop, the state the connection drains in order.
 */
final class Exchange implements HttpResponder {
    private static final Object END = new Object();

    final HttpConnection connection;
    final EventLoop loop;
    /** Null for an error answer to input that never became a request. */
    final HttpRequest request;
    final boolean head;
    private static final VarHandle ANSWERED;

    static {
        try {
            ANSWERED = MethodHandles.lookup().findVarHandle(Exchange.class, "answered", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Set once by the first answer, from any thread (a VarHandle instead of an AtomicBoolean: one object less per request). */
    @SuppressWarnings("unused")
    private volatile boolean answered;

    // Loop thread only from here on.
    HttpResponse response;
    HttpResponse streamHead;
    private ArrayDeque<Object> streamParts;
    /** Bytes of stream parts waiting behind earlier answers. */
    long streamQueued;
    boolean streamStarted;
    boolean streamEnded;
    HttpHeaders trailers;
    boolean closeAfter;
    boolean continuePending;
    volatile boolean dead;

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
        claim();
        if (loop.inLoop()) {
            connection.answered(this, response);
        } else {
            loop.execute(() -> connection.answered(this, response));
        }
    }

    @Override
    public ResponseStream stream(HttpResponse head) {
        if (head.body().length != 0) {
            throw new IllegalArgumentException("a streamed response's head has no body; write it to the stream");
        }
        claim();
        onLoop(() -> connection.streamStarted(this, head));
        return new Stream();
    }

    @Override
    public void fail(Throwable error) {
        if (ANSWERED.compareAndSet(this, false, true)) {
            onLoop(() -> connection.handlerFailed(this, error));
        } else {
            onLoop(() -> connection.handlerFailedAfterAnswer(this, error));
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

    /** Marks the exchange answered by the server itself (an error found before the handler ran). */
    boolean claimByServer() {
        return ANSWERED.compareAndSet(this, false, true);
    }

    void addPart(Object part) {
        if (streamParts == null) {
            streamParts = new ArrayDeque<>();
        }
        streamParts.addLast(part);
        if (part instanceof byte[]) {
            streamQueued += ((byte[]) part).length;
        }
    }

    Object pollPart() {
        Object part = streamParts == null ? null : streamParts.pollFirst();
        if (part instanceof byte[]) {
            streamQueued -= ((byte[]) part).length;
        }
        return part;
    }

    static boolean isEnd(Object part) {
        return part == END;
    }

    private void claim() {
        if (!ANSWERED.compareAndSet(this, false, true)) {
            throw new IllegalStateException("request " + request + " was already answered");
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** The chunks of a streamed response, queued to the loop. */
    private final class Stream implements ResponseStream {
        private final AtomicBoolean ended = new AtomicBoolean();

        @Override
        public void write(byte[] bytes) {
            if (bytes.length == 0 || ended.get() || dead) {
                return;
            }
            onLoop(() -> connection.streamPart(Exchange.this, bytes));
        }

        @Override
        public void write(String text) {
            write(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void end(HttpHeaders trailers) {
            if (ended.compareAndSet(false, true)) {
                onLoop(() -> {
                    Exchange.this.trailers = trailers;
                    connection.streamPart(Exchange.this, END);
                });
            }
        }

        @Override
        public boolean isOpen() {
            return !ended.get() && !dead;
        }

        @Override
        public boolean isWritable() {
            return connection.isWritable();
        }
    }
}
