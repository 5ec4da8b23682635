package io.switchboard.websocket;

import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Connection;
import java.util.concurrent.TimeUnit;

/**
 * The permessage-deflate state of one connection: its {@link MessageDeflater} and {@link MessageInflater}, which make
 * zlib's state when first needed, and the timer that lets it go when the connection is idle: the deflater after
 * {@link DeflateOptions#releaseAfterIdle()} without compressing, the inflater likewise when the peer keeps no
 * context. One loop timer, armed only while something can be let go. Loop thread only; one per connection.
 */
final class Compression {
    final MessageDeflater deflater;
    final MessageInflater inflater;
    final int threshold;
    private final Connection connection;
    private final long releaseAfterIdleNanos;
    private Scheduled timer;

    private Compression(MessageDeflater deflater, MessageInflater inflater, int threshold, Connection connection,
                        long releaseAfterIdleNanos) {
        this.deflater = deflater;
        this.inflater = inflater;
        this.threshold = threshold;
        this.connection = connection;
        this.releaseAfterIdleNanos = releaseAfterIdleNanos;
    }

    /**
     * The state for what the handshake agreed.
     *
     * @param client true on the client side: the parameters named for the client are this side's
     */
    static Compression of(PerMessageDeflate agreed, DeflateOptions options, boolean client, Scratch scratch,
                          Connection connection) {
        boolean ourNoContext = client ? agreed.clientNoContextTakeover() : agreed.serverNoContextTakeover();
        boolean peerNoContext = client ? agreed.serverNoContextTakeover() : agreed.clientNoContextTakeover();
        return new Compression(new MessageDeflater(options.level(), !ourNoContext),
                new MessageInflater(scratch, !peerNoContext), options.threshold(), connection,
                options.releaseAfterIdle().toNanos());
    }

    /** A message was compressed or inflated: arms the idle timer if it is not running and something can be let go. */
    void used() {
        if (timer == null && releaseAfterIdleNanos != 0 && connection.isOpen() && releasable()) {
            timer = connection.loop().schedule(this::check, releaseAfterIdleNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Lets go of everything now (the connection closed). */
    void release() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        deflater.release();
        inflater.release();
    }

    /** {@return true while the deflater holds zlib's memory} */
    boolean deflaterHeld() {
        return deflater.holdsMemory();
    }

    /** {@return true while the inflater holds zlib's memory} */
    boolean inflaterHeld() {
        return inflater.holdsMemory();
    }

    private boolean releasable() {
        return deflater.holdsMemory() || inflater.releasable() && inflater.holdsMemory();
    }

    private void check() {
        timer = null;
        if (!connection.isOpen()) {
            return;
        }
        long now = connection.loop().nanoTime();
        long next = Long.MAX_VALUE;
        if (deflater.holdsMemory()) {
            long idle = now - deflater.lastUsedNanos();
            if (idle >= releaseAfterIdleNanos) {
                deflater.release();
            } else {
                next = releaseAfterIdleNanos - idle;
            }
        }
        if (inflater.releasable() && inflater.holdsMemory()) {
            long idle = now - inflater.lastUsedNanos();
            if (idle >= releaseAfterIdleNanos) {
                inflater.release();
            } else {
                next = Math.min(next, releaseAfterIdleNanos - idle);
            }
        }
        if (next != Long.MAX_VALUE) {
            timer = connection.loop().schedule(this::check, next, TimeUnit.NANOSECONDS);
        }
    }
}
