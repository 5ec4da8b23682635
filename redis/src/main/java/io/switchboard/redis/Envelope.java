package io.switchboard.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The line each message is published under: {@code sb1 INSTANCE SEQ\n}, then the message's bytes. Stateless.
 *
 * @param sender the publishing instance's id
 * @param seq    its sequence number, from 1
 * @param body   the message
 */
record Envelope(String sender, long seq, byte[] body) {
    private static final byte[] MAGIC = {'s', 'b', '1', ' '};
    /** The longest envelope line: magic, an id of up to 16 characters, a space, up to 19 digits, LF. */
    static final int MAX_LINE = 64;

    /** {@return {@code body} under the envelope line of {@code sender}'s message {@code seq}} */
    static byte[] wrap(byte[] senderPrefix, long seq, byte[] body) {
        byte[] number = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[senderPrefix.length + number.length + 1 + body.length];
        System.arraycopy(senderPrefix, 0, out, 0, senderPrefix.length);
        System.arraycopy(number, 0, out, senderPrefix.length, number.length);
        out[senderPrefix.length + number.length] = '\n';
        System.arraycopy(body, 0, out, senderPrefix.length + number.length + 1, body.length);
        return out;
    }

    /** {@return the start of every envelope {@code sender} publishes: magic, id, space} */
    static byte[] prefix(String sender) {
        return ("sb1 " + sender + " ").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a published message.
     *
     * @return the envelope, or null when the message has none (another tool published it)
     */
    static Envelope unwrap(byte[] message) {
        if (message.length < MAGIC.length || !Arrays.equals(message, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        int lf = indexOf(message, (byte) '\n', MAGIC.length, Math.min(message.length, MAX_LINE));
        if (lf < 0) {
            return null;
        }
        int space = indexOf(message, (byte) ' ', MAGIC.length, lf);
        if (space <= MAGIC.length || space + 1 >= lf || lf - space - 1 > 18) {
            return null;
        }
        long seq = 0;
        for (int i = space + 1; i < lf; i++) {
            if (message[i] < '0' || message[i] > '9') {
                return null;
            }
            seq = seq * 10 + (message[i] - '0');
        }
        String sender = new String(message, MAGIC.length, space - MAGIC.length, StandardCharsets.US_ASCII);
        return new Envelope(sender, seq, Arrays.copyOfRange(message, lf + 1, message.length));
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
