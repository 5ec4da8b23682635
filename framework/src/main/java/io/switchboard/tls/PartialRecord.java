package io.switchboard.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLProtocolException;

/**
 * The start of a TLS record that has not fully arrived, kept between reads in a heap buffer of the record's own
 * size: never more than {@link TlsRecords#MAX_RECORD} bytes, and nothing at all between records. Unlike a
 * general cumulation it takes from each read only what completes the record, so a read that carries a
 * record's end and many more records is decrypted where it lies, not copied. Loop thread only; one per
 * connection.
 */
final class PartialRecord {
    private ByteBuffer kept;

    /** {@return true when no partial record is kept} */
    boolean isEmpty() {
        return kept == null;
    }

    /** {@return the memory held for the record, in bytes: its length once its header arrived} */
    int capacity() {
        return kept == null ? 0 : kept.capacity();
    }

    /**
     * Keeps the rest of {@code in}, the start of a record (shorter than the whole record).
     *
     * @param in the bytes left after the last whole record; its position moves to its limit
     * @throws SSLProtocolException when the record's header announces a record longer than the largest legal one
     */
    void keep(ByteBuffer in) throws SSLProtocolException {
        assert kept == null;
        int length = TlsRecords.length(in);
        kept = ByteBuffer.allocate(length < 0 ? TlsRecords.HEADER : length);
        kept.put(in);
    }

    /**
     * Moves bytes from {@code in} into the kept record until it is whole.
     *
     * @param in the bytes just read; its position moves past the bytes taken
     * @return the whole record, readable between position and limit, when it is complete (the caller must use it
     *         up before the next call); null when more bytes are needed (all of {@code in} was taken)
     * @throws SSLProtocolException when the completed header announces a record longer than the largest legal one,
     *                              or the bytes kept are not a TLS record and reach that length
     */
    ByteBuffer complete(ByteBuffer in) throws SSLProtocolException {
        if (kept.position() < TlsRecords.HEADER) {
            take(in, TlsRecords.HEADER - kept.position());
            if (kept.position() < TlsRecords.HEADER) {
                return null;
            }
            ByteBuffer header = kept.duplicate().flip();
            int length = TlsRecords.length(header);
            if (length == header.remaining()) {
                // Not a TLS record: the engine refuses it as soon as it sees the header.
                return done();
            }
            ByteBuffer whole = ByteBuffer.allocate(length);
            whole.put(header);
            kept = whole;
        }
        take(in, kept.remaining());
        return kept.hasRemaining() ? null : done();
    }

    /** Drops what is kept. */
    void clear() {
        kept = null;
    }

    private ByteBuffer done() {
        ByteBuffer whole = kept.flip();
        kept = null;
        return whole;
    }

    private void take(ByteBuffer in, int wanted) {
        int n = Math.min(wanted, in.remaining());
        int limit = in.limit();
        in.limit(in.position() + n);
        kept.put(in);
        in.limit(limit);
    }
}
