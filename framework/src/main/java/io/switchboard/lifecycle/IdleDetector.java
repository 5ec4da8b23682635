package io.switchboard.lifecycle;

import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleEvent}s down the pipeline when a connection has been silent for a while: read-idle,
 * write-idle and all-idle, each with its own period (zero turns one off). It reads the connection's
 * activity clocks ({@link Connection#lastReadNanos()}, {@link Connection#lastWriteNanos()}), so reads and
 * writes cost nothing extra: one loop timer per connection wakes up when the earliest period could end.
 * A write counts when the socket takes bytes, so a slow but moving write is not idle. An event fires once
 * per full idle period. Loop thread only; one instance per connection.
 */
public final class IdleDetector implements Handler {
    private final long readNanos;
    private final long writeNanos;
    private final long allNanos;
    private HandlerContext ctx;
    private Scheduled timer;
    private long readFiredFor = Long.MIN_VALUE;
    private long writeFiredFor = Long.MIN_VALUE;
    private long allFiredFor = Long.MIN_VALUE;

    /**
     * Periods after which each kind of idleness fires; {@link Duration#ZERO} turns that kind off.
     *
     * @param readIdle  how long without bytes from the peer before {@link IdleEvent#READ}
     * @param writeIdle how long without bytes to the peer before {@link IdleEvent#WRITE}
     * @param allIdle   how long without bytes either way before {@link IdleEvent#ALL}
     * @throws IllegalArgumentException when a period is null or negative
     */
    public IdleDetector(Duration readIdle, Duration writeIdle, Duration allIdle) {
        this.readNanos = nanos(readIdle);
        this.writeNanos = nanos(writeIdle);
        this.allNanos = nanos(allIdle);
    }

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
        schedule();
    }

    @Override
    public void removed(HandlerContext ctx) {
        cancel();
    }

    @Override
    public void closed(HandlerContext ctx) {
        cancel();
        ctx.fireClosed();
    }

    private void check() {
        timer = null;
        Connection c = ctx.connection();
        if (!c.isOpen() || ctx.isRemoved()) {
            return;
        }
        long now = ctx.loop().nanoTime();
        long lastRead = c.lastReadNanos();
        long lastWrite = c.lastWriteNanos();
        long lastAny = Math.max(lastRead, lastWrite);
        readFiredFor = fireIfIdle(IdleEvent.READ, readNanos, lastRead, readFiredFor, now);
        writeFiredFor = fireIfIdle(IdleEvent.WRITE, writeNanos, lastWrite, writeFiredFor, now);
        allFiredFor = fireIfIdle(IdleEvent.ALL, allNanos, lastAny, allFiredFor, now);
        schedule();
    }

    /**
     * Fires {@code event} when {@code period} has passed since {@code last} and it has not fired for this
     * period yet; returns the period start it fired for.
     */
    private long fireIfIdle(IdleEvent event, long period, long last, long firedFor, long now) {
        if (period == 0) {
            return firedFor;
        }
        long periods = (now - last) / period;
        if (periods < 1) {
            return firedFor;
        }
        long periodStart = last + (periods - 1) * period;
        if (periodStart != firedFor && ctx.connection().isOpen()) {
            ctx.fireUserEvent(event);
        }
        return periodStart;
    }

    private void schedule() {
        Connection c = ctx.connection();
        if (!c.isOpen()) {
            return;
        }
        long now = ctx.loop().nanoTime();
        long next = Long.MAX_VALUE;
        next = Math.min(next, nextEnd(readNanos, c.lastReadNanos(), now));
        next = Math.min(next, nextEnd(writeNanos, c.lastWriteNanos(), now));
        next = Math.min(next, nextEnd(allNanos, Math.max(c.lastReadNanos(), c.lastWriteNanos()), now));
        if (next != Long.MAX_VALUE) {
            timer = ctx.loop().schedule(this::check, next - now, TimeUnit.NANOSECONDS);
        }
    }

    /** The next moment after {@code now} at which a period that started at {@code last} ends. */
    private static long nextEnd(long period, long last, long now) {
        if (period == 0) {
            return Long.MAX_VALUE;
        }
        long periods = (now - last) / period + 1;
        return last + periods * period;
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private static long nanos(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("idle periods must be zero (off) or positive");
        }
        return d.toNanos();
    }
}
