package io.switchboard.server;

import io.switchboard.loop.Selectable;
import io.switchboard.loop.SelectorLoop;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boss loop's job: the server listens, a client requests, and the acceptor confirms the connection by
 * handing the accepted socket to a worker loop. The kernel has completed the three-way handshake by the
 * time {@code accept()} returns a socket.
 *
 * <p>When accepting fails for lack of file descriptors (EMFILE, ENFILE) the acceptor stops listening for
 * {@link #BACKOFF_MILLIS} instead of spinning on a socket it cannot take, and tries again after each
 * pause. The failure is logged at warn at most once a minute, with the count of failures in between.
 * Loop thread only.
 */
final class Acceptor implements Selectable {
    private static final Logger log = LoggerFactory.getLogger(Acceptor.class);
    /** Most connections taken per readiness event, so that a flood cannot keep the boss busy forever. */
    private static final int MAX_ACCEPTS_PER_EVENT = 64;
    /** Pause after an accept failure such as running out of file descriptors. */
    static final long BACKOFF_MILLIS = 100;
    /** Accept failures are logged at warn at most this often; the rest at debug. */
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final SelectorLoop boss;
    private final ServerSocketChannel listener;
    private final Consumer<SocketChannel> handOff;
    private SelectionKey key;
    private boolean backingOff;
    /** When the last warning was logged (boss clock, ns), or 0 before the first failure. */
    private long lastWarning;
    private long failures;
    private long failuresAtLastWarning;

    Acceptor(SelectorLoop boss, ServerSocketChannel listener, Consumer<SocketChannel> handOff) {
        this.boss = boss;
        this.listener = listener;
        this.handOff = handOff;
    }

    void start() throws IOException {
        assert boss.inLoop();
        key = boss.register(listener, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void ready(SelectionKey key) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT; i++) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                backOff(e);
                return;
            }
            if (channel == null) {
                return;
            }
            handOff.accept(channel);
        }
    }

    private void backOff(IOException e) {
        if (!listener.isOpen()) {
            return;
        }
        failures++;
        long now = boss.nanoTime();
        if (lastWarning == 0 || now - lastWarning >= WARNING_INTERVAL_NANOS) {
            log.warn("cannot accept on {} ({}); pausing accept for {} ms at a time until it works"
                            + " ({} failed accepts before this one; logged at most once a minute)",
                    listener.socket().getLocalSocketAddress(), e.getMessage(), BACKOFF_MILLIS,
                    failures - 1 - failuresAtLastWarning);
            lastWarning = now == 0 ? 1 : now;
            failuresAtLastWarning = failures;
        } else {
            log.debug("accept failed again: {}", e.getMessage());
        }
        if (!backingOff) {
            backingOff = true;
            key.interestOps(0);
            boss.schedule(this::resume, BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void resume() {
        backingOff = false;
        if (key.isValid()) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Stops listening. */
    void close() {
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("closing listener", e);
        }
    }

    @Override
    public void loopClosing() {
        close();
    }
}
