package io.switchboard.http2;

import io.switchboard.http.HttpHeaders;
import io.switchboard.http.ResponseStream;
import io.switchboard.internal.ClosingBody;
import io.switchboard.loop.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The body of a streamed answer on one HTTP/2 stream. Thread-safe. The backpressure is the stream's: bytes written
 * and not yet sent as DATA (they wait for the stream's or the connection's window, or for the loop) count against
 * the connection's high watermark, and a writer on another thread waits while they reach it or while the
 * connection is unwritable, up to {@code HttpConfig.sendTimeout}, after which the stream is cut with RST_STREAM
 * {@code INTERNAL_ERROR}. A writer on the loop never waits: it writes while {@link #isWritable()} and asks
 * {@link #onWritable} to call it back. Writing past an announced length throws and cuts the stream; ending with
 * fewer bytes cuts it too.
 */
final class Http2ResponseStream implements ResponseStream, ClosingBody {
    private final Http2Exchange exchange;
    private final EventLoop loop;
    private final long length;
    private final long bound;
    private final long sendTimeoutNanos;
    /** Bytes written and not yet sent as DATA. */
    private final AtomicLong queued = new AtomicLong();
    private final Object lock = new Object();
    /** Bytes written by the producer, for the announced length. Guarded by {@link #lock}. */
    private long written;
    private volatile boolean open = true;
    private boolean ended;
    /** Loop thread only. */
    private Runnable callback;
    /** Runs once the stream is over. Loop thread only. */
    private Runnable closeListener;
    /** {@link #cut()} ran on the loop. Loop thread only. */
    private boolean over;

    Http2ResponseStream(Http2Exchange exchange, EventLoop loop, long length) {
        this.exchange = exchange;
        this.loop = loop;
        this.length = length;
        this.bound = exchange.connection.highWatermark();
        this.sendTimeoutNanos = exchange.connection.sendTimeoutNanos();
    }

    @Override
    public void write(byte[] bytes) {
        if (!open || bytes.length == 0) {
            return;
        }
        synchronized (lock) {
            if (ended) {
                return;
            }
            if (length >= 0 && written + bytes.length > length) {
                exchange.onLoop(() -> exchange.connection.cut(exchange));
                throw new IllegalStateException("writing " + bytes.length + " bytes goes past the announced length of "
                        + length);
            }
            written += bytes.length;
        }
        if (!loop.inLoop()) {
            awaitRoom();
            if (!open) {
                return;
            }
        }
        queued.addAndGet(bytes.length);
        exchange.onLoop(() -> exchange.connection.sender().streamData(exchange, bytes));
    }

    @Override
    public void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void end(HttpHeaders trailers) {
        long total;
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            total = written;
        }
        boolean shortBody = length >= 0 && total != length && !exchange.stream.head;
        exchange.onLoop(() -> {
            if (shortBody) {
                exchange.connection.cut(exchange);
            } else {
                exchange.connection.sender().streamEnd(exchange, trailers);
            }
        });
    }

    @Override
    public boolean isOpen() {
        return open && !exchange.dead;
    }

    @Override
    public boolean isWritable() {
        return isOpen() && queued.get() < bound && exchange.connection.isWritable();
    }

    @Override
    public void onWritable(Runnable callback) {
        exchange.onLoop(() -> {
            if (isWritable() || !isOpen()) {
                loop.execute(() -> runCallback(callback));
            } else {
                this.callback = callback;
            }
        });
    }

    @Override
    public void onClose(Runnable listener) {
        exchange.onLoop(() -> {
            if (over) {
                listener.run();
            } else {
                closeListener = listener;
            }
        });
    }

    /** {@code bytes} more wait for the connection: a compressed form of bytes written. Loop thread only. */
    void held(int bytes) {
        queued.addAndGet(bytes);
    }

    /** Bytes left for the connection as DATA, or the connection turned writable. Loop thread only. */
    void left(int bytes) {
        assert loop.inLoop();
        if (bytes > 0) {
            queued.addAndGet(-bytes);
        }
        synchronized (lock) {
            lock.notifyAll();
        }
        if (callback != null && isWritable()) {
            Runnable c = callback;
            callback = null;
            runCallback(c);
        }
    }

    /** The stream ended, was reset, or its connection closed: writers stop. Loop thread only. */
    void cut() {
        open = false;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (!loop.inLoop()) {
            return; // the loop stopped: nothing more runs on it
        }
        over = true;
        if (callback != null) {
            Runnable c = callback;
            callback = null;
            runCallback(c);
        }
        Runnable listener = closeListener;
        if (listener != null) {
            closeListener = null;
            listener.run();
        }
    }

    private void runCallback(Runnable c) {
        try {
            c.run();
        } catch (RuntimeException e) {
            exchange.fail(e);
        }
    }

    private void awaitRoom() {
        long deadline = System.nanoTime() + sendTimeoutNanos;
        synchronized (lock) {
            while (isOpen() && !(queued.get() < bound && exchange.connection.isWritable())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    open = false;
                    exchange.onLoop(() -> exchange.connection.cut(exchange));
                    return;
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    open = false;
                    exchange.onLoop(() -> exchange.connection.cut(exchange));
                    return;
                }
            }
        }
    }
}
