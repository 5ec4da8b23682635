package io.switchboard.http2;

import io.switchboard.http.HttpException;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.ResponseStream;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Handler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder of one HTTP/2 request stream: the same {@link HttpResponder} a handler gets over HTTP/1, its
 * answer sent on its own stream as soon as it is complete, whatever the other streams do. Thread-safe: an answer
 * from another thread is queued to the connection's loop, as {@code Exchange} does for HTTP/1.
 *
 * <p>What differs from HTTP/1: {@link #upgrade} is refused (an HTTP/2 stream cannot switch protocols, RFC 9113
 * section 8.6); a streamed answer cut short ends with RST_STREAM {@code INTERNAL_ERROR} on its stream instead of a
 * reset of the connection; {@link #sendFile} reads the file through a {@link ResponseStream}, in 16 KiB chunks as
 * the stream's window lets them go, since HTTP/2 frames every byte.
 */
final class Http2Exchange implements HttpResponder {
    private static final Logger log = LoggerFactory.getLogger(Http2Exchange.class);
    private static final int FILE_CHUNK = 16 * 1024;

    final Http2Connection connection;
    final Http2Stream stream;
    final HttpRequest request;
    private final EventLoop loop;
    private final AtomicBoolean answered = new AtomicBoolean();
    /** The answer is a file's: never compressed (as over HTTP/1.1). Set before the answer goes to the loop. */
    boolean fileAnswer;
    /** Set on the loop when the stream was reset or the connection closed: late answers are dropped. */
    volatile boolean dead;

    Http2Exchange(Http2Connection connection, Http2Stream stream, HttpRequest request, EventLoop loop) {
        this.connection = connection;
        this.stream = stream;
        this.request = request;
        this.loop = loop;
    }

    @Override
    public void send(HttpResponse response) {
        if (response == null) {
            throw new NullPointerException("response");
        }
        if (response.status() < 200) {
            throw new IllegalArgumentException("status " + response.status() + " is informational");
        }
        claim();
        onLoop(() -> connection.sender().answer(this, response, null, -1));
    }

    /** Refused: an HTTP/2 stream cannot switch protocols (RFC 9113 section 8.6). */
    @Override
    public void upgrade(HttpResponse response, Handler protocol) {
        throw new IllegalStateException("request " + request + " came over HTTP/2, whose streams cannot switch protocols");
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
        Http2ResponseStream body = new Http2ResponseStream(this, loop, length);
        if (!onLoop(() -> connection.sender().answer(this, head, body, length))) {
            body.cut();
        }
        return body;
    }

    @Override
    public void sendFile(HttpResponse head, FileChannel file, long position, long count) {
        if (head.body().length != 0 || position < 0 || count < 0) {
            closeQuietly(file);
            throw new IllegalArgumentException("a file answer needs a head without a body, a position and a count");
        }
        ResponseStream body;
        fileAnswer = true;
        try {
            body = stream(head, count);
        } catch (RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
        if (request.method().equals("HEAD")) {
            closeQuietly(file);
            body.end();
            return;
        }
        Runnable pump = new Runnable() {
            private long at = position;
            private final long end = position + count;

            @Override
            public void run() {
                try {
                    while (body.isOpen() && body.isWritable() && at < end) {
                        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(FILE_CHUNK, end - at));
                        while (chunk.hasRemaining()) {
                            int n = file.read(chunk, at + chunk.position());
                            if (n < 0) {
                                throw new IOException("the file ended before the range did");
                            }
                        }
                        at += chunk.capacity();
                        body.write(chunk.array());
                    }
                    if (at >= end || !body.isOpen()) {
                        closeQuietly(file);
                        body.end();
                    } else {
                        body.onWritable(this);
                    }
                } catch (IOException | RuntimeException e) {
                    closeQuietly(file);
                    fail(e);
                }
            }
        };
        onLoop(pump);
    }

    @Override
    public void fail(Throwable error) {
        if (answered.compareAndSet(false, true)) {
            onLoop(() -> {
                if (dead) {
                    // The stream is gone (the client reset it, say): the failure is the handler's answer to that.
                    log.debug("the handler of {} failed after its stream closed: {}", request, error.toString());
                } else {
                    connection.sender().answer(this, answerTo(error), null, -1);
                }
            });
        } else if (stream.upload != null && stream.upload.isFailure(error)) {
            // The body failed, and the server answered that (or the stream is gone): nothing more to say.
            log.debug("the handler of {} gave up after the answer: {}", request, error.toString());
        } else {
            log.debug("the handler of {} failed after answering: {}", request, error.toString());
            onLoop(() -> connection.cut(this));
        }
    }

    private HttpResponse answerTo(Throwable error) {
        if (error instanceof HttpException) {
            return connection.errorAnswer(request, (HttpException) error);
        }
        if (error instanceof RejectedExecutionException) {
            return connection.errorAnswer(request, new HttpException(503, "the server is busy; try again later"));
        }
        log.warn("handler failed on {}; answering 500", request, error);
        return connection.errorAnswer(request, new HttpException(500, "the handler failed"));
    }

    @Override
    public boolean isAnswered() {
        return answered.get();
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    /** Marks the exchange answered by the server itself. {@return false when the handler answered first} */
    boolean claimByServer() {
        return answered.compareAndSet(false, true);
    }

    private void claim() {
        if (!answered.compareAndSet(false, true)) {
            throw new IllegalStateException("request " + request + " was already answered");
        }
    }

    /** Runs {@code task} on the loop; false (and dropped) once the loop stopped. */
    boolean onLoop(Runnable task) {
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

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("closing a file answer: {}", e.toString());
        }
    }
}
