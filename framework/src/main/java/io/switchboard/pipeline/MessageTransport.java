package io.switchboard.pipeline;

import java.io.IOException;

/**
 * A {@link Transport} that moves whole messages (datagrams) rather than a byte stream. A {@link Connection} over
 * one keeps no outbound byte queue: every message that reaches the socket end of its pipeline goes to
 * {@link #send}, and when the transport is readable the connection asks it for a batch of inbound messages with
 * {@link #receive}, each of which travels through the pipeline on its own. A message transport has no half-close
 * and no end of input; it decides itself what to do when its own queue is full (datagrams are dropped and
 * counted), and which errors leave it open ({@link #failed}). {@link Transport#read} and {@link Transport#write}
 * are never called on it.
 *
 * <p>Loop thread only, except {@link #ownedCopy}, {@link #weight} and {@link #droppedFromOtherThread}, which are
 * thread-safe.
 */
public interface MessageTransport extends Transport {

    /**
     * Reads the messages that are ready, at most one batch, and hands each to {@code inbound} while it asks for
     * more.
     *
     * @param inbound passes each message through the pipeline; returns false once the connection wants no more
     *                in this batch (it closed or suspended reading)
     * @return the number of messages handed on
     * @throws IOException when reading fails in a way the transport does not absorb itself
     */
    int receive(Inbound inbound) throws IOException;

    /**
     * Sends, queues or drops one message that reached the socket end of the pipeline.
     *
     * @param message the message a handler wrote
     * @return true when bytes left (or were queued to leave) now; false when the message was dropped
     * @throws IllegalArgumentException when the transport cannot send a message of this type (the pipeline lacks
     *                                  an encoder) or it has no recipient
     */
    boolean send(Object message);

    /**
     * A copy of {@code message} that the caller of a write from another thread can no longer change. Thread-safe.
     *
     * @param message what another thread writes
     * @return the copy, or {@code message} itself when it holds nothing the caller could change
     */
    Object ownedCopy(Object message);

    /**
     * The bytes {@code owned} holds, to count it against the connection's limits while it waits for the loop.
     * Thread-safe.
     *
     * @param owned a copy made by {@link #ownedCopy}
     * @return its size in bytes, or 0 when it holds no bytes of its own
     */
    long weight(Object owned);

    /**
     * A write from another thread was dropped because too many were waiting for the loop
     * ({@link ConnectionConfig#maxQueued()}) or the memory budget was spent: the transport counts it. A stream
     * connection is reset instead; a message transport stays open. Thread-safe.
     */
    void droppedFromOtherThread();

    /**
     * An error reached the end of the pipeline (a handler threw) or reading failed.
     *
     * @param cause the error
     * @return true when the transport absorbed it (counted and logged) and the connection stays open; false to
     *         close the connection as a stream connection would
     */
    boolean failed(Throwable cause);

    /** Where {@link #receive} hands inbound messages. Loop thread only. */
    interface Inbound {
        /**
         * Passes one message through the pipeline.
         *
         * @param message the message, borrowed for the call
         * @return true while the connection takes more messages in this batch
         */
        boolean deliver(Object message);
    }
}
