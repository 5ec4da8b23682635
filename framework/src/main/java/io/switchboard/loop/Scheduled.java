package io.switchboard.loop;

/** A task scheduled on an {@link EventLoop}. Thread-safe. */
public interface Scheduled {

    /** Stops the task from running if it has not run yet. Returns false when it already ran or was cancelled. */
    boolean cancel();

    /** Returns true when the task was cancelled before it ran. */
    boolean isCancelled();
}
