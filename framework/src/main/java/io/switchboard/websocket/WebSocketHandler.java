package io.switchboard.websocket;

import java.nio.ByteBuffer;

/**
 * What an application does with one WebSocket connection: the callbacks of its messages and its life. Every method
 * has a default that does nothing, so a handler overrides only what it needs; an echo server is
 * <pre>{@code
 * WebSocketHandler echo = new WebSocketHandler() {
 *     public void onText(WebSocket ws, String text) { ws.sendText(text); }
 *     public void onBinary(WebSocket ws, ByteBuffer data) { ws.sendBinary(data); }
 * };
 * }</pre>
 *
 * <p>All callbacks of a connection run on its loop thread, one at a time, so a handler's per-connection state needs
 * no locks; a handler that keeps none may serve every connection. A callback must not block: offload blocking work
 * and send its result from the other thread (every {@link WebSocket} method is thread-safe). Messages arrive whole,
 * however the peer fragmented them, within {@link WebSocketConfig#maxMessageSize()}; pings are answered by the
 * stage itself before {@link #onPing} is called.
 *
 * <p>A callback that throws fails the connection: the peer gets a close frame with
 * {@link CloseStatus#INTERNAL_ERROR} and the error is logged once; one that throws a {@link WebSocketException}
 * closes with that exception's status instead, without a log at warn (a way to refuse a message the application
 * does not accept, with {@link CloseStatus#UNSUPPORTED_DATA} or {@link CloseStatus#POLICY_VIOLATION}).
 */
public interface WebSocketHandler {

    /**
     * The connection is open: messages may be sent from now on. Called once, before any other callback.
     *
     * @param ws the connection
     */
    default void onOpen(WebSocket ws) {
    }

    /**
     * A text message arrived, whole, its UTF-8 checked.
     *
     * @param ws   the connection
     * @param text the message
     */
    default void onText(WebSocket ws, String text) {
    }

    /**
     * A binary message arrived, whole.
     *
     * @param ws   the connection
     * @param data the message, between position and limit; borrowed: valid until the callback returns (copy it to
     *             keep it), and it may be sent back as it is
     */
    default void onBinary(WebSocket ws, ByteBuffer data) {
    }

    /**
     * A ping arrived; the pong with the same payload has already been sent.
     *
     * @param ws      the connection
     * @param payload the ping's payload (at most 125 bytes), borrowed until the callback returns
     */
    default void onPing(WebSocket ws, ByteBuffer payload) {
    }

    /**
     * A pong arrived: the answer to a ping, or an unsolicited heartbeat.
     *
     * @param ws      the connection
     * @param payload the pong's payload (at most 125 bytes), borrowed until the callback returns
     */
    default void onPong(WebSocket ws, ByteBuffer payload) {
    }

    /**
     * The WebSocket is closed: no message arrives after this, and sends are dropped. Called once, for every connection
     * that was opened, when the closing handshake completes or the connection ends without one.
     *
     * @param ws     the connection
     * @param status the status of the close frame the peer sent (RFC 6455 section 7.1.5), or
     *               {@link CloseStatus#NO_STATUS} when it had none; when no close frame came: the status this side
     *               sent when it failed the connection (a protocol error, a limit, a handler that threw), else
     *               {@link CloseStatus#ABNORMAL}
     * @param reason the reason that came with {@code status}, or an empty string
     */
    default void onClose(WebSocket ws, int status, String reason) {
    }

    /**
     * The connection's outbound queue crossed a watermark: pause sending while it is false, resume when it turns true
     * again (see {@link WebSocket#isWritable()}). While it is false the stage also stops reading the peer's messages.
     *
     * @param ws       the connection
     * @param writable the new writability
     */
    default void onWritabilityChanged(WebSocket ws, boolean writable) {
    }
}
