package io.switchboard.http2;

import java.util.Arrays;

/**
 * The last streams of a connection that closed, and how (RFC 9113 section 5.1: what a late frame on a closed stream
 * means depends on how it closed). A ring of {@value #REMEMBERED}: older streams are forgotten, and a frame on one
 * of them is treated as on a stream of unknown fate. Loop thread only; one per connection.
 */
final class ClosedStreams {
    /** A stream the server reset: frames the client sent before it saw the reset are dropped. */
    static final byte RESET_BY_US = 1;
    /** A stream the client reset: a frame on it is a stream error {@code STREAM_CLOSED}. */
    static final byte RESET_BY_PEER = 2;
    /** A stream both sides ended: a frame on it is a connection error {@code STREAM_CLOSED}. */
    static final byte ENDED = 3;
    /** How many closed streams are remembered. */
    static final int REMEMBERED = 64;

    private final int[] ids = new int[REMEMBERED];
    private final byte[] how = new byte[REMEMBERED];
    private int at;

    ClosedStreams() {
        Arrays.fill(ids, -1);
    }

    /** Stream {@code id} closed {@code how} ({@link #RESET_BY_US}, {@link #RESET_BY_PEER} or {@link #ENDED}). */
    void closed(int id, byte how) {
        ids[at] = id;
        this.how[at] = how;
        at = (at + 1) % REMEMBERED;
    }

    /** {@return how stream {@code id} was closed, if it is among the last closed; 0 when not known} */
    byte howClosed(int id) {
        for (int k = 1; k <= REMEMBERED; k++) {
            int i = (at - k + REMEMBERED) % REMEMBERED;
            if (ids[i] == id) {
                return how[i]; // the latest entry of the stream
            }
        }
        return 0;
    }
}
