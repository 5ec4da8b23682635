package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import io.switchboard.loop.Scheduled;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of one HTTP/1 connection: the moments they count from, and the one loop timer that enforces the
 * current one. The timer is re-armed lazily: moving a moment forward (another byte of a body) costs a field write,
 * and a timer that fires early finds the later deadline and waits again. The connection says what it waits for
 * ({@link Wait}); this class says until when. Loop thread only; one per connection.
 */
final class HttpDeadlines {
    /**
     * What the connection waits for, and so which timeout applies. SEND: the client to take more of an answer's body
     * that leaves in slices (a large whole body, a file read in chunks), which the connection holds until it does.
     */
    enum Wait { NOTHING, FIRST_REQUEST, NEXT_REQUEST, HEADERS, BODY, SEND }

    private final HttpConfig config;
    private final EventLoop loop;
    private final Runnable fired;
    private Scheduled timer;
    private long timerDeadline;
    private final long openedAt;
    private long headStartedAt;
    private long bodyProgressAt;
    private long lastAnswerAt;
    private boolean answeredAny;

    /** Counts from now; {@code fired} runs on the loop when a deadline may have passed. */
    HttpDeadlines(HttpConfig config, EventLoop loop, Runnable fired) {
        this.config = config;
        this.loop = loop;
        this.fired = fired;
        this.openedAt = loop.nanoTime();
    }

    /** The first byte of a request's head arrived. */
    void headStarted() {
        headStartedAt = loop.nanoTime();
    }

    /** Bytes of a request body arrived (or the handler's pause in reading it ended: not the client's). */
    void bodyProgressed() {
        bodyProgressAt = loop.nanoTime();
    }

    /** An answer was written: the keep-alive timeout counts from now. */
    void answered() {
        answeredAny = true;
        lastAnswerAt = loop.nanoTime();
    }

    /** {@return true once an answer was written: the connection then waits for the next request, not the first} */
    boolean answeredAny() {
        return answeredAny;
    }

    /** {@return true when the deadline of {@code wait} has passed} */
    boolean passed(Wait wait, long lastWriteNanos) {
        return deadline(wait, lastWriteNanos) - loop.nanoTime() <= 0;
    }

    /** Makes sure the timer fires no later than the deadline of {@code wait}; a later deadline is found when it fires. */
    void arm(Wait wait, long lastWriteNanos) {
        if (wait == Wait.NOTHING) {
            return;
        }
        long deadline = deadline(wait, lastWriteNanos);
        if (timer != null && timerDeadline - deadline <= 0) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timerDeadline = deadline;
        timer = loop.schedule(this::fire, deadline - loop.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** Cancels the timer: the connection closed, or its HTTP/1 stage left. */
    void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        fired.run();
    }

    private long deadline(Wait wait, long lastWriteNanos) {
        return switch (wait) {
            case FIRST_REQUEST -> openedAt + config.requestHeaderTimeout().toNanos();
            case NEXT_REQUEST -> lastAnswerAt + config.keepAliveTimeout().toNanos();
            case HEADERS -> headStartedAt + config.requestHeaderTimeout().toNanos();
            case BODY -> bodyProgressAt + config.bodyTimeout().toNanos();
            case SEND -> lastWriteNanos + config.sendTimeout().toNanos();
            case NOTHING -> Long.MAX_VALUE;
        };
    }
}
