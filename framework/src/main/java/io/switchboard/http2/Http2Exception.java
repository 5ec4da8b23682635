package io.switchboard.http2;

import io.switchboard.pipeline.ProtocolException;

/**
 * An error of RFC 9113 section 5.4: a <em>connection error</em> (stream id 0), which ends the connection with a
 * GOAWAY carrying {@link #error()}, or a <em>stream error</em>, which ends one stream with a RST_STREAM carrying it
 * while the connection goes on. {@link Http2FrameReader} throws connection errors and hands stream errors to its
 * listener; the connection raises both from its own checks and maps them to frames in one place. Like every
 * {@link ProtocolException} it carries no stack trace, so making one costs little. Immutable.
 */
public final class Http2Exception extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** The code sent to the peer. */
    private final Http2Error error;
    /** The stream a stream error ends; 0 for a connection error. */
    private final int streamId;

    private Http2Exception(Http2Error error, int streamId, String message) {
        super(message);
        this.error = error;
        this.streamId = streamId;
    }

    /**
     * An error that ends the connection.
     *
     * @param error   the code for the GOAWAY
     * @param message what the peer did; logged, and may be sent as the GOAWAY's debug data
     * @return the error
     */
    public static Http2Exception connection(Http2Error error, String message) {
        return new Http2Exception(error, 0, message);
    }

    /**
     * An error that ends one stream.
     *
     * @param streamId the stream, not 0
     * @param error    the code for the RST_STREAM
     * @param message  what the peer did; logged
     * @return the error
     */
    public static Http2Exception stream(int streamId, Http2Error error, String message) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream, got " + streamId);
        }
        return new Http2Exception(error, streamId, message);
    }

    /** {@return the code to send} */
    public Http2Error error() {
        return error;
    }

    /** {@return the stream a stream error ends, or 0 for a connection error} */
    public int streamId() {
        return streamId;
    }

    /** {@return true for a connection error (GOAWAY), false for a stream error (RST_STREAM)} */
    public boolean isConnectionError() {
        return streamId == 0;
    }

    @Override
    public String toString() {
        return (isConnectionError() ? "connection error " : "stream error on " + streamId + " ") + error + ": " + getMessage();
    }
}
