package io.switchboard.http2.hpack;

/**
 * A header block HPACK refuses. Either a decoding error ({@link #connectionError()} true): the block broke
 * RFC 7541 and the two dynamic tables can no longer be trusted to match, so the connection ends with GOAWAY
 * {@code COMPRESSION_ERROR} (RFC 9113 4.3); or a header list larger than the local
 * {@code SETTINGS_MAX_HEADER_LIST_SIZE} ({@link #connectionError()} false): the whole block was still decoded,
 * the dynamic table is in step with the peer's, and only the stream is refused (a server answers 431, RFC 9113
 * 10.5.1). Immutable: it carries no stack trace, cause or suppressed exceptions, so refusing costs little.
 */
public final class HpackException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether the connection must end with COMPRESSION_ERROR. */
    private final boolean connectionError;

    /**
     * A refusal.
     *
     * @param connectionError true for a decoding error (GOAWAY {@code COMPRESSION_ERROR}), false for a header
     *                        list over its limit (the stream only)
     * @param message         what was wrong, for the log and the GOAWAY debug data
     */
    public HpackException(boolean connectionError, String message) {
        super(message, null, false, false);
        this.connectionError = connectionError;
    }

    static HpackException compression(String message) {
        return new HpackException(true, message);
    }

    /**
     * {@return true when the connection must be closed with GOAWAY {@code COMPRESSION_ERROR}; false when the
     * block was decoded whole, the tables are in step, and only its stream is refused}
     */
    public boolean connectionError() {
        return connectionError;
    }
}
