package io.switchboard.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLProtocolException;

/**
 * The TLS record layer's framing, read without an engine: where the next record ends, and the largest one a peer
 * may send. Stateless.
 */
final class TlsRecords {
    /** Type, version and length. */
    static final int HEADER = 5;
    /** The most plaintext one record carries (2^14, RFC 8446 section 5.1). */
    static final int MAX_PLAINTEXT = 16 * 1024;
    /**
     * The plaintext the JDK puts in a full TLS 1.3 record: 2^14 less the inner content type byte and the 16 bytes of
     * zero padding it adds to every record. The stage gathers this much per record, so that a full record's worth is
     * encrypted without a small remainder record.
     */
    static final int RECORD_FILL_TLS13 = MAX_PLAINTEXT - 1 - 16;
    /** The plaintext of a full TLS 1.2 record: 2^14. */
    static final int RECORD_FILL_TLS12 = MAX_PLAINTEXT;
    /** The longest ciphertext a record may announce: 2^14 + 2048 (RFC 5246 section 6.2.3; TLS 1.3 allows less). */
    static final int MAX_CIPHERTEXT = MAX_PLAINTEXT + 2048;
    /** The longest legal record, header included: 18,437 bytes. */
    static final int MAX_RECORD = HEADER + MAX_CIPHERTEXT;

    private static final int FIRST_TYPE = 20; // change_cipher_spec
    private static final int LAST_TYPE = 24; // heartbeat

    private TlsRecords() {
    }

    /**
     * The length of the record that starts at {@code in}'s position, header included.
     *
     * @param in bytes from a peer, readable between position and limit; not changed
     * @return the record's length; -1 when the header has not fully arrived; {@code in.remaining()} when the bytes
     *         are not a TLS record (an SSLv2 hello, plaintext HTTP), which the engine then refuses with its own error
     * @throws SSLProtocolException when the header announces a record longer than {@link #MAX_RECORD}: such a peer
     *                              is closed on at once, before any of the record is kept
     */
    static int length(ByteBuffer in) throws SSLProtocolException {
        if (in.remaining() < HEADER) {
            return -1;
        }
        int p = in.position();
        int type = in.get(p) & 0xff;
        if (type < FIRST_TYPE || type > LAST_TYPE) {
            return in.remaining();
        }
        int length = (in.get(p + 3) & 0xff) << 8 | in.get(p + 4) & 0xff;
        if (length > MAX_CIPHERTEXT) {
            throw new SSLProtocolException("the peer announced a TLS record of " + length
                    + " bytes, longer than the largest legal " + MAX_CIPHERTEXT);
        }
        return HEADER + length;
    }
}
