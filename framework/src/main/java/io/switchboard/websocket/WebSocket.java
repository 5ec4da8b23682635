package io.switchboard.websocket;

import io.switchboard.pipeline.AttributeKey;
import io.switchboard.pipeline.Connection;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One WebSocket connection, as the application sees it: send messages, ping, close, and learn whether the peer keeps
 * up.
 *
 * <p>Thread-safe. On the connection's loop a send is encoded at once and leaves when the loop's turn ends; from
 * another thread the payload is copied before the call returns (the caller may reuse its array or buffer) and the
 * send is queued to the loop, where the sends of each thread keep their order. Sends queued from other threads
 * count against the connection's limits at once, as {@link Connection#write} does: {@link #isWritable()} turns false
 * while they add up to more than the high watermark, and past {@link io.switchboard.pipeline.ConnectionConfig#maxQueued()}
 * of them the connection is reset, so a producer that ignores {@code isWritable} cannot make the server hold without
 * bound. Sends made once the WebSocket is closing (a close frame sent or received) are dropped: nothing follows a
 * close frame.
 *
 * <p>A message may be sent in fragments ({@link #sendText(String, boolean)}, {@link #sendBinary(ByteBuffer, boolean)}):
 * the fragments of one message must follow each other, and a message of the other kind sent before the last
 * fragment is refused ({@link IllegalStateException} on the loop; dropped and logged from another thread). Pings,
 * pongs and the close may come between fragments.
 */
public interface WebSocket {

    /**
     * Sends a text message.
     *
     * @param text the message
     */
    void sendText(String text);

    /**
     * Sends a fragment of a text message; the first fragment starts the message, the one with {@code last} ends it.
     * A character's surrogate pair may be split between two fragments.
     *
     * @param fragment the fragment's text
     * @param last     true for the message's last fragment
     */
    void sendText(String fragment, boolean last);

    /**
     * Sends a binary message.
     *
     * @param data the message; not changed
     */
    void sendBinary(byte[] data);

    /**
     * Sends a binary message of the remaining bytes of {@code data}; its position moves to its limit.
     *
     * @param data the message
     */
    void sendBinary(ByteBuffer data);

    /**
     * Sends a fragment of a binary message, as {@link #sendText(String, boolean)} does for text; the remaining bytes
     * of {@code fragment} are taken.
     *
     * @param fragment the fragment's bytes
     * @param last     true for the message's last fragment
     */
    void sendBinary(ByteBuffer fragment, boolean last);

    /**
     * Sends a ping; the peer answers with a pong ({@link WebSocketHandler#onPong}).
     *
     * @param payload at most 125 bytes; not changed
     * @throws IllegalArgumentException when the payload is longer
     */
    void sendPing(byte[] payload);

    /**
     * Sends an unsolicited pong, a heartbeat that asks for no answer.
     *
     * @param payload at most 125 bytes; not changed
     * @throws IllegalArgumentException when the payload is longer
     */
    void sendPong(byte[] payload);

    /** Starts the closing handshake with {@link CloseStatus#NORMAL}, as {@link #close(int, String)} does. */
    void close();

    /**
     * Starts the closing handshake: sends a close frame and waits for the peer's, at most
     * {@link WebSocketConfig#closeTimeout()}; then the connection closes (a server closes it first, as RFC 6455 asks;
     * a client waits for that, at most the close timeout too). Messages that arrive meanwhile are dropped. Does
     * nothing once the WebSocket is closing.
     *
     * @param status the status to send: 1000 to 1003, 1007 to 1011, or 3000 to 4999
     * @param reason why, for the peer; cut to 123 bytes of UTF-8 if longer; null for none
     * @throws IllegalArgumentException when {@code status} may not be sent ({@link CloseStatus#isValid})
     */
    void close(int status, String reason);

    /** {@return true until a close frame was sent or received, or the connection closed} */
    boolean isOpen();

    /**
     * {@return true while the connection's outbound queue, and the sends from other threads waiting for the loop, are
     * below the high watermark} A producer should pause while it is false; {@link WebSocketHandler#onWritabilityChanged}
     * says when to resume.
     */
    boolean isWritable();

    /** {@return the peer's address, or null when unknown} */
    SocketAddress remoteAddress();

    /** {@return our address, or null when unknown} */
    SocketAddress localAddress();

    /**
     * The attribute stored under {@code key} on the connection.
     *
     * @param <T> the attribute's type
     * @param key the attribute's key
     * @return the value, or null when none is stored
     */
    <T> T attr(AttributeKey<T> key);

    /**
     * Stores {@code value} under {@code key} on the connection.
     *
     * @param <T>   the attribute's type
     * @param key   the attribute's key
     * @param value the value, or null to remove the attribute
     */
    <T> void attr(AttributeKey<T> key, T value);

    /** {@return the connection underneath, for its loop, limits and group membership} */
    Connection connection();

    /** {@return the subprotocol agreed in the opening handshake ({@code Sec-WebSocket-Protocol}), or null for none} */
    String subprotocol();
}
