package io.switchboard.loop;

/** A task scheduled on an {@link EventLoop}. Thread-safe. */
public interface Scheduled {

    /**
     * Stops the task from running if it has not run yet.
     *
     * @return true when this call cancelled it; false when it already ran or was cancelled
     */
    boolean cancel();

    /** {@return true when the task was cancelled before it ran} */
    boolean isCancelled();
}
