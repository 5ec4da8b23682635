package io.switchboard.tls;

/**
 * The records without application data (KeyUpdates, warning alerts, session tickets, empty records) a peer may
 * still send once the handshake completed: {@value #MAX} in a row, and one more for each {@link TlsRecords#MAX_PLAINTEXT}
 * bytes of application data it sent, never more than {@value #MAX} at once. OpenSSL and BoringSSL bound them alike
 * (32 empty records, 32 KeyUpdates); the JDK's engine accepts any number, and a KeyUpdate that asks for an answer
 * costs it a key derivation each way, 40 to 70 times a one-byte record. Two int fields and no allocation: counted
 * for every record. Loop thread only; one per connection.
 */
final class RecordsWithoutData {
    /** The most in a row. */
    static final int MAX = 32;

    private int allowed = MAX;
    /** Application data received toward the next one earned. */
    private int data;

    /**
     * Counts one record.
     *
     * @param plaintext the application data it carried
     * @return false when it was one record without data too many
     */
    boolean count(int plaintext) {
        if (plaintext > 0) {
            data += plaintext;
            if (data >= TlsRecords.MAX_PLAINTEXT) {
                data -= TlsRecords.MAX_PLAINTEXT;
                allowed = Math.min(MAX, allowed + 1);
            }
            return true;
        }
        return --allowed >= 0;
    }
}
