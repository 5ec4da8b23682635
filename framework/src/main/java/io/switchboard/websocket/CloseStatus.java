package io.switchboard.websocket;

/**
 * The close status codes of RFC 6455 section 7.4, and which of them may travel in a close frame. Constants only.
 *
 * <p>A close frame may carry 1000 to 1003, 1007 to 1011 (those RFC 6455 defines for the wire) and 3000 to 4999
 * (registered with IANA, or private to an application). Every other code is refused with {@link #PROTOCOL_ERROR}
 * when it arrives: 1004 is reserved, 1005, 1006 and 1015 name what a side saw locally and never travel, 1012 to
 * 1014 are registered with IANA but defined by no specification (the Autobahn test suite's valid codes stop at 1011), and
 * 0 to 999, 1016 to 2999 and 5000 and up are not in use.
 */
public final class CloseStatus {
    /** The purpose of the connection was fulfilled. */
    public static final int NORMAL = 1000;
    /** The endpoint is going away: a server shutting down, or a browser leaving the page. */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** The endpoint cannot accept this kind of data (binary where it takes only text, say). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** No status code was in the close frame received. Never sent. */
    public static final int NO_STATUS = 1005;
    /** The connection closed without a close frame from the peer. Never sent. */
    public static final int ABNORMAL = 1006;
    /** A text message (or a close reason) was not valid UTF-8, or data did not match its message type. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A message broke the endpoint's policy; the generic code when no other fits. */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame or message was larger than the endpoint accepts. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The client wanted an extension the server did not agree to. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** The server met an unexpected condition (a handler failed, or the memory budget was spent). */
    public static final int INTERNAL_ERROR = 1011;

    private CloseStatus() {
    }

    /**
     * {@return true when {@code code} may travel in a close frame: 1000 to 1003, 1007 to 1011, 3000 to 4999}
     *
     * @param code a status code
     */
    public static boolean isValid(int code) {
        return code >= NORMAL && code <= UNSUPPORTED_DATA
                || code >= INVALID_PAYLOAD && code <= INTERNAL_ERROR
                || code >= 3000 && code <= 4999;
    }
}
