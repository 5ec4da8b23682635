package io.switchboard.http2.hpack;

import java.nio.ByteBuffer;

/**
 * The Huffman code of RFC 7541 appendix B. The code is canonical (codes of one length are consecutive, in
 * symbol order, and each length continues where the shorter one ended), so the 257 code lengths are the whole
 * table: the codes and the decoder's state machine are derived from them when the class loads.
 *
 * <p>The decoder walks a 4-bit state machine (nghttp2's scheme): a state is an inner node of the code tree,
 * and each of its 16 entries says where 4 more bits lead, which symbol they complete (at most one: the
 * shortest code has 5 bits), whether they reach EOS (an error, RFC 7541 5.2), and whether the string may end
 * there (the bits since the last symbol are at most 7 and all ones, the start of EOS). Immutable.
 */
final class Huffman {
    /** The end-of-string symbol, never valid inside a string. */
    static final int EOS = 256;

    /** Code length in bits of each symbol 0 to 256 (EOS), from RFC 7541 appendix B. */
    private static final byte[] LENGTHS = {
            13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0-31
            6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 32-63
            13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 64-95
            15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 96-127
            20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 128-159
            22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 160-191
            26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 192-223
            20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 224-255
            30, // 256 (EOS)
    };

    /** The code of each symbol, right-aligned in {@link #LENGTHS} bits. */
    static final int[] CODES = canonicalCodes();

    /** A decoder step completes a symbol, held in bits 8 to 15. */
    private static final int EMIT = 1 << 16;
    /** The string may end after this step: the pending bits are a valid padding. */
    private static final int ACCEPT = 1 << 17;
    /** The step decodes EOS: the string is invalid. */
    private static final int FAIL = 1 << 18;

    /** Inner node (0 is the root) times 16 plus the next 4 bits: next node in bits 0 to 7, then the flags. */
    private static final int[] STEPS = steps();

    private Huffman() {
    }

    /** {@return the code length of {@code symbol}, in bits} */
    static int length(int symbol) {
        return LENGTHS[symbol];
    }

    /**
     * The number of bytes {@code s} takes Huffman-coded, each char taken as one octet as {@link #octet} maps it.
     *
     * @param lowercase whether ASCII capitals are coded as lowercase letters (field names)
     */
    static int encodedLength(String s, boolean lowercase) {
        long bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            bits += LENGTHS[octet(s.charAt(i), lowercase)];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /**
     * Writes {@code s} Huffman-coded into {@code out} from {@code at}, padded with the leading ones of EOS.
     *
     * @return the position after the last byte written
     */
    static int encode(String s, boolean lowercase, byte[] out, int at) {
        long acc = 0;
        int bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int symbol = octet(s.charAt(i), lowercase);
            acc = (acc << LENGTHS[symbol]) | CODES[symbol];
            bits += LENGTHS[symbol];
            while (bits >= 8) {
                bits -= 8;
                out[at++] = (byte) (acc >>> bits);
            }
        }
        if (bits > 0) {
            out[at++] = (byte) ((acc << (8 - bits)) | (0xFF >>> bits));
        }
        return at;
    }

    /**
     * The octet a char is sent as: chars are octets (ISO-8859-1, as in {@code HttpHeaders}); a char above
     * {@code 0xFF} is sent as {@code '?'}, as the HTTP/1 encoder does, and ASCII capitals as lowercase when asked.
     */
    static int octet(char c, boolean lowercase) {
        if (c > 0xFF) {
            return '?';
        }
        if (lowercase && c >= 'A' && c <= 'Z') {
            return c + ('a' - 'A');
        }
        return c;
    }

    /**
     * Decodes the Huffman-coded bytes of {@code in} from {@code from} to {@code to} (absolute positions, the
     * buffer's position is not used). The first {@code outLimit} decoded octets are written to {@code out} and
     * the rest only counted, so a string too long to keep is still checked without being held.
     *
     * @param out      where decoded octets go; may be null when {@code outLimit} is 0
     * @param outLimit how many octets {@code out} takes
     * @return the decoded length, which may exceed {@code outLimit}
     * @throws HpackException (a COMPRESSION_ERROR) on EOS inside the string, or a padding longer than 7 bits or
     *                        not all ones
     */
    static int decode(ByteBuffer in, int from, int to, byte[] out, int outLimit) throws HpackException {
        int state = 0;
        int count = 0;
        boolean accept = true;
        for (int i = from; i < to; i++) {
            int b = in.get(i) & 0xFF;
            int step = STEPS[(state << 4) | (b >>> 4)];
            if ((step & EMIT) != 0) {
                if (count < outLimit) {
                    out[count] = (byte) (step >>> 8);
                }
                count++;
            }
            state = step & 0xFF;
            int step2 = STEPS[(state << 4) | (b & 0x0F)];
            if (((step | step2) & FAIL) != 0) {
                throw HpackException.compression("Huffman-coded string contains EOS");
            }
            if ((step2 & EMIT) != 0) {
                if (count < outLimit) {
                    out[count] = (byte) (step2 >>> 8);
                }
                count++;
            }
            state = step2 & 0xFF;
            accept = (step2 & ACCEPT) != 0;
        }
        if (!accept) {
            throw HpackException.compression("Huffman padding longer than 7 bits or not the most significant bits of EOS");
        }
        return count;
    }

    private static int[] canonicalCodes() {
        int[] codes = new int[EOS + 1];
        int code = 0;
        int previous = 0;
        boolean first = true;
        for (int length = 1; length <= 30; length++) {
            for (int symbol = 0; symbol <= EOS; symbol++) {
                if (LENGTHS[symbol] != length) {
                    continue;
                }
                if (!first) {
                    code = (code + 1) << (length - previous);
                }
                first = false;
                previous = length;
                codes[symbol] = code;
            }
        }
        return codes;
    }

    private static int[] steps() {
        // The code tree: inner nodes 0..255 (0 the root); a child >= 0 is an inner node, < 0 is -(symbol + 1).
        int[][] child = new int[256][2];
        int[] depth = new int[256];
        int nodes = 1;
        for (int symbol = 0; symbol <= EOS; symbol++) {
            int node = 0;
            for (int bit = LENGTHS[symbol] - 1; bit >= 0; bit--) {
                int b = (CODES[symbol] >>> bit) & 1;
                if (bit == 0) {
                    child[node][b] = -(symbol + 1);
                } else {
                    if (child[node][b] == 0) {
                        child[node][b] = nodes;
                        depth[nodes] = depth[node] + 1;
                        nodes++;
                    }
                    node = child[node][b];
                }
            }
        }
        // A string may end where the bits since the last symbol are at most 7 ones: the all-ones path from the
        // root (these are inner nodes: only EOS is all ones, and it is 30 bits long).
        boolean[] accepting = new boolean[256];
        for (int node = 0; depth[node] <= 7; node = child[node][1]) {
            accepting[node] = true;
        }
        int[] steps = new int[256 * 16];
        for (int state = 0; state < nodes; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                int node = state;
                int step = 0;
                for (int bit = 3; bit >= 0; bit--) {
                    int next = child[node][(nibble >>> bit) & 1];
                    if (next < 0) {
                        int symbol = -next - 1;
                        if (symbol == EOS) {
                            step |= FAIL;
                        } else {
                            step |= EMIT | (symbol << 8);
                        }
                        node = 0;
                    } else {
                        node = next;
                    }
                }
                if (accepting[node]) {
                    step |= ACCEPT;
                }
                steps[(state << 4) | nibble] = step | node;
            }
        }
        return steps;
    }
}
