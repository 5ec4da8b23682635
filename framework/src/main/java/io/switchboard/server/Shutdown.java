package io.switchboard.server;

import io.switchboard.loop.SelectorLoop;
import io.switchboard.pipeline.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One graceful close of a {@link Server}, run by the thread that asked for it:
 *
 * <ol>
 *   <li>the boss stops accepting (the listener closes, so new connects are refused);</li>
 *   <li>each worker loop calls {@link Connection#closeGracefully()} on the server's connections it runs;</li>
 *   <li>the closing thread waits until they have all closed, or until the deadline;</li>
 *   <li>at the deadline each loop resets ({@link Connection#abort()}) the connections still open;</li>
 *   <li>the loops stop (the worker loops only if the server created them).</li>
 * </ol>
 *
 * Every wait ends at the deadline plus {@link Server#CLOSE_MARGIN}, so a loop that a handler blocks cannot
 * hold the caller: such a loop is named in a warning, with where it is stuck, and keeps its connections until
 * it runs again (then, if the server created it, it stops, closing them).
 */
final class Shutdown {
    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    private final Server server;
    private final SelectorLoop boss;
    private final Acceptor acceptor;
    private final List<SelectorLoop> workers;
    private final boolean stopWorkers;

    Shutdown(Server server, SelectorLoop boss, Acceptor acceptor, List<SelectorLoop> workers, boolean stopWorkers) {
        this.server = server;
        this.boss = boss;
        this.acceptor = acceptor;
        this.workers = workers;
        this.stopWorkers = stopWorkers;
    }

    /**
     * Runs the close.
     *
     * @param timeout how long connections may take to finish
     * @return true when every connection closed by itself within {@code timeout} and every loop to stop stopped
     */
    boolean run(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastCall = deadline + Server.CLOSE_MARGIN.toNanos();
        CompletableFuture<Void> listenerClosed = new CompletableFuture<>();
        if (!submit(boss, () -> {
            acceptor.close();
            // A channel closed while registered keeps its socket until the selector drops the key, at the boss's
            // next select: only after it are connects refused. Tasks queued now run after that select.
            boss.execute(() -> listenerClosed.complete(null));
        })) {
            acceptor.close(); // the boss has stopped: closing the channel from here releases the port at once
            listenerClosed.complete(null);
        }
        List<LoopDrain> drains = List.of();
        List<SelectorLoop> toStop = new ArrayList<>(workers.size() + 1);
        toStop.add(boss);
        if (stopWorkers) {
            toStop.addAll(workers);
        }
        List<SelectorLoop> stalled = new ArrayList<>();
        try {
            // The listener closes before any connection is asked to: a client that reconnects the moment its
            // connection closes is refused, instead of landing in the backlog of a listener about to close.
            awaitListener(listenerClosed, deadline);
            drains = askLoops();
            boolean allClosed = awaitAll(drains, deadline);
            if (!allClosed) {
                resetRemaining(drains);
            }
            // A stopping loop first runs the tasks it was given, the resets included.
            toStop.forEach(SelectorLoop::shutdown);
            if (!allClosed) {
                awaitAll(drains, lastCall);
            }
            for (SelectorLoop loop : toStop) {
                if (!loop.awaitTermination(lastCall - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    stalled.add(loop);
                }
            }
        } catch (InterruptedException e) {
            resetRemaining(drains);
            toStop.forEach(SelectorLoop::shutdown);
            Thread.currentThread().interrupt();
            log.warn("server {}: graceful close interrupted; resetting the connections still open and stopping the"
                    + " loops without waiting for them", server.localAddress());
            return false;
        }
        return report(drains, stalled, timeout);
    }

    /** Asks each worker loop to close this server's connections on it gracefully. */
    private List<LoopDrain> askLoops() {
        List<LoopDrain> drains = new ArrayList<>(workers.size());
        for (SelectorLoop loop : workers) {
            LoopDrain drain = new LoopDrain(loop);
            drains.add(drain);
            if (!submit(loop, drain::begin)) {
                // A loop its owner has stopped: its stop closed its connections.
                drain.done.complete(0);
            }
        }
        return drains;
    }

    /** Asks each loop that has not finished to reset the connections still open. */
    private static void resetRemaining(List<LoopDrain> drains) {
        for (LoopDrain drain : drains) {
            if (!drain.done.isDone() && !submit(drain.loop, drain::resetRemaining)) {
                // Stopped by its owner meanwhile: its stop closes or resets what is left.
                drain.done.complete(0);
            }
        }
    }

    /** Logs what did not finish; returns true when everything did. */
    private boolean report(List<LoopDrain> drains, List<SelectorLoop> stalled, Duration timeout) {
        int reset = 0;
        for (LoopDrain drain : drains) {
            Integer resetHere = drain.done.getNow(null);
            if (resetHere != null) {
                reset += resetHere;
            } else if (!stalled.contains(drain.loop)) {
                stalled.add(drain.loop);
            }
        }
        if (reset > 0) {
            log.info("server {}: {} connections had not finished within {}; reset them", server.localAddress(), reset,
                    timeout);
        }
        for (SelectorLoop loop : stalled) {
            Throwable where = new Throwable("where " + loop + " is");
            where.setStackTrace(loop.thread().getStackTrace());
            log.warn("server {}: event loop {} did not finish within {} (+{} margin): a handler or task blocks it or"
                    + " never returns; its connections stay open until it runs again", server.localAddress(), loop,
                    timeout, Server.CLOSE_MARGIN, where);
        }
        return reset == 0 && stalled.isEmpty();
    }

    /** Runs {@code task} on {@code loop}; false when the loop has stopped and will not run it. */
    private static boolean submit(SelectorLoop loop, Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Waits until the boss has closed the listener, or the clock passes {@code until} (a stalled boss). */
    private static void awaitListener(CompletableFuture<Void> closed, long until) throws InterruptedException {
        try {
            closed.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // A boss that a task blocks: it is named as stalled when the loops stop; the connections go on.
        }
    }

    /** Waits until every drain is done or the clock passes {@code until}; true when all are done. */
    private static boolean awaitAll(List<LoopDrain> drains, long until) throws InterruptedException {
        CompletableFuture<?>[] all = drains.stream().map(d -> d.done).toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(all).get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a loop failed to close its connections", e.getCause());
        }
    }

    /**
     * One worker loop's part: close this server's connections on it gracefully, tell when they have all
     * closed, and reset the rest when asked. Loop thread only, apart from {@link #done}, which completes
     * with the number of connections reset.
     */
    private final class LoopDrain {
        final SelectorLoop loop;
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        private final List<Connection> open = new ArrayList<>();
        private int left;
        private boolean resetting;

        LoopDrain(SelectorLoop loop) {
            this.loop = loop;
        }

        void begin() {
            assert loop.inLoop();
            loop.forEachRegistration(r -> {
                if (r instanceof SocketTransport) {
                    SocketTransport socket = (SocketTransport) r;
                    if (socket.owner == server && socket.connection != null) {
                        open.add(socket.connection);
                    }
                }
            });
            for (Connection c : open) {
                c.closeGracefully();
            }
            for (Connection c : open) {
                CompletableFuture<Void> closed = c.closeFuture();
                if (!closed.isDone()) {
                    left++;
                    closed.whenComplete((ignored, failure) -> closedOne());
                }
            }
            if (left == 0) {
                done.complete(0);
            }
        }

        /** A connection has closed: its close future completes on this loop. */
        private void closedOne() {
            assert loop.inLoop();
            if (--left == 0 && !resetting) {
                done.complete(0);
            }
        }

        void resetRemaining() {
            assert loop.inLoop();
            resetting = true;
            int reset = 0;
            for (Connection c : open) {
                if (!c.closeFuture().isDone()) {
                    reset++;
                    c.abort();
                }
            }
            done.complete(reset);
        }
    }
}
