package io.switchboard.pipeline;

/**
 * The user event of {@link Connection#closeGracefully()}: finish what is owed to the peer, then close. A
 * protocol handler that owes answers takes the event (and does not pass it on); the pipeline's end closes the
 * connection when the event reaches it.
 */
public enum GracefulClose {
    /** The one event. */
    INSTANCE
}
