package io.switchboard.http2;

import io.switchboard.loop.EventLoop;
import io.switchboard.loop.Scheduled;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The three timers of an {@link Http2Connection}: the SETTINGS timer (the client's preface and SETTINGS, and its ACK of
 * ours, within {@link Http2Limits#settingsTimeout()}), the idle timer (no stream open for the keep-alive timeout) and
 * the stream sweep (while streams are open, every {@code sweepPeriod}, the connection looks for stalled streams: one
 * timer per connection, never one per stream).
 * The idle timer is armed once when the last stream closes and, when it fires with streams open again, left for the
 * next time none is; when it fires early (a stream came and went meanwhile) it is armed for the time left. So a
 * busy connection schedules no timer per stream. Loop thread only; one per connection.
 */
final class Http2Deadlines {
    private final EventLoop loop;
    private final long settingsNanos;
    private final long idleNanos;
    private final Runnable settingsTimedOut;
    private final Runnable idleTimedOut;
    private final BooleanSupplier idle;
    private final long sweepNanos;
    private final Runnable sweep;
    private Scheduled settingsTimer;
    /** Null while none is armed: no stream was open when it last fired. */
    private Scheduled sweepTimer;
    /** Null while none is armed. */
    private Scheduled idleTimer;
    /** When the connection last had no stream open, on the loop's clock. */
    private long idleSince;
    private boolean stopped;

    /**
     * @param idle             true while the connection has no stream open
     * @param settingsTimedOut runs when the SETTINGS exchange did not finish in time
     * @param idleTimedOut     runs when no stream was open for {@code keepAlive}
     * @param sweepPeriod      how often {@code sweep} runs while streams are open
     * @param sweep            looks for stalled streams
     */
    Http2Deadlines(EventLoop loop, Duration settingsTimeout, Duration keepAlive, BooleanSupplier idle,
            Runnable settingsTimedOut, Runnable idleTimedOut, Duration sweepPeriod, Runnable sweep) {
        this.loop = loop;
        this.settingsNanos = settingsTimeout.toNanos();
        this.idleNanos = keepAlive.toNanos();
        this.idle = idle;
        this.settingsTimedOut = settingsTimedOut;
        this.idleTimedOut = idleTimedOut;
        this.sweepNanos = Math.max(1, sweepPeriod.toNanos());
        this.sweep = sweep;
    }

    /** A stream opened: the sweep runs from now on while streams are open (a field test when it already does). */
    void streamOpened() {
        if (sweepTimer == null && !stopped) {
            sweepTimer = loop.schedule(this::sweepFired, sweepNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Starts the SETTINGS timer: the server just sent its SETTINGS. */
    void settingsSent() {
        settingsTimer = loop.schedule(this::settingsFired, settingsNanos, TimeUnit.NANOSECONDS);
    }

    /** The SETTINGS exchange finished both ways. */
    void settled() {
        if (settingsTimer != null) {
            settingsTimer.cancel();
            settingsTimer = null;
        }
    }

    /** No stream is open now: the idle timer runs from here. */
    void becameIdle() {
        idleSince = loop.nanoTime();
        if (idleTimer == null && !stopped) {
            idleTimer = loop.schedule(this::idleCheck, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The connection closed: the timers stop. */
    void stop() {
        stopped = true;
        settled();
        if (sweepTimer != null) {
            sweepTimer.cancel();
            sweepTimer = null;
        }
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    private void settingsFired() {
        settingsTimer = null;
        if (!stopped) {
            settingsTimedOut.run();
        }
    }

    private void sweepFired() {
        sweepTimer = null;
        if (stopped || idle.getAsBoolean()) {
            return; // armed again when a stream opens
        }
        sweep.run();
        if (!idle.getAsBoolean()) {
            streamOpened();
        }
    }

    private void idleCheck() {
        idleTimer = null;
        if (stopped || !idle.getAsBoolean()) {
            return; // armed again when the last stream closes
        }
        long left = idleSince + idleNanos - loop.nanoTime();
        if (left > 0) {
            idleTimer = loop.schedule(this::idleCheck, left, TimeUnit.NANOSECONDS);
            return;
        }
        idleTimedOut.run();
    }
}
