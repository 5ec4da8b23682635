package io.switchboard.http2;

/**
 * The error codes of RFC 9113 section 7, carried in RST_STREAM (a stream error) and GOAWAY (a connection error).
 * A code this list does not name may arrive from a peer: the frame layer hands such codes on as numbers, and
 * {@link #of} maps them to {@link #INTERNAL_ERROR}, which is what section 7 allows; they trigger nothing special.
 */
public enum Http2Error {
    /** Not an error: a graceful GOAWAY, or a stream the sender no longer needs. */
    NO_ERROR(0x0),
    /** The peer broke the protocol and no more specific code applies. */
    PROTOCOL_ERROR(0x1),
    /** An unexpected condition on this side. */
    INTERNAL_ERROR(0x2),
    /** The peer broke flow control: a window past 2^31-1, or data beyond the window. */
    FLOW_CONTROL_ERROR(0x3),
    /** A SETTINGS frame went unacknowledged too long. */
    SETTINGS_TIMEOUT(0x4),
    /** A frame arrived on a stream already half-closed (remote). */
    STREAM_CLOSED(0x5),
    /** A frame's length is wrong for its type, or over SETTINGS_MAX_FRAME_SIZE. */
    FRAME_SIZE_ERROR(0x6),
    /** The stream was refused before any processing; the request may be retried. */
    REFUSED_STREAM(0x7),
    /** The stream is no longer needed. */
    CANCEL(0x8),
    /** The field-compression (HPACK) context could not be kept. */
    COMPRESSION_ERROR(0x9),
    /** A CONNECT tunnel was reset or closed abnormally. */
    CONNECT_ERROR(0xa),
    /** The peer behaves in a way that may be generating excessive load: the answer to every flood. */
    ENHANCE_YOUR_CALM(0xb),
    /** The transport does not meet the minimum security requirements (RFC 9113 section 9.2). */
    INADEQUATE_SECURITY(0xc),
    /** The request must be made again over HTTP/1.1. */
    HTTP_1_1_REQUIRED(0xd);

    private static final Http2Error[] BY_CODE = values();

    private final int code;

    Http2Error(int code) {
        this.code = code;
    }

    /** {@return the 32-bit code sent on the wire} */
    public int code() {
        return code;
    }

    /**
     * The error a code names.
     *
     * @param code a code as received, read as unsigned
     * @return its constant, or {@link #INTERNAL_ERROR} for a code this list does not name
     */
    public static Http2Error of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL_ERROR;
    }
}
