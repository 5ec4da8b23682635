package io.switchboard.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * UTF-8 for text messages: an encoder that needs no intermediate array, and an incremental validator, a deterministic automaton in the manner of Bjoern Hoehrmann's decoder, written from
 * the table of well-formed byte sequences in the Unicode Standard (table 3-7). Its state is one {@code int} the
 * caller keeps between calls, so a message may be checked a piece at a time, across frames and reads, and the first
 * byte that cannot begin or continue a well-formed sequence is found at once: overlong forms (C0, C1, E0 80..9F,
 * F0 80..8F), surrogates (ED A0..BF), code points past U+10FFFF (F4 90.., F5..FF) and stray continuation bytes all
 * reject. A message that ends while the state is not {@link #ACCEPT} stopped inside a character. Stateless; the
 * tables are shared.
 */
final class Utf8 {
    /** The state between whole characters: where a message starts, and where it must end. */
    static final int ACCEPT = 0;
    /** The state after an invalid byte; it never leaves it. */
    static final int REJECT = 12;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Byte classes: 0 ASCII, 1 80..8F, 2 90..9F, 3 A0..BF, 4 never valid, 5 C2..DF, 6 E0, 7 E1..EC EE..EF, 8 ED, 9 F0, 10 F1..F3, 11 F4. */
    private static final byte[] CLASS = new byte[256];
    /**
     * Transitions: {@code NEXT[state + class]} is the next state. States are multiples of 12 (one row of classes
     * each): 0 accept, 12 reject, 24 one continuation byte to go, 36 two to go, 48 after E0 (A0..BF next), 60 after
     * ED (80..9F next), 72 three to go, 84 after F0 (90..BF next), 96 after F4 (80..8F next).
     */
    private static final byte[] NEXT = new byte[9 * 12];

    static {
        for (int b = 0; b < 256; b++) {
            CLASS[b] = (byte) classOf(b);
        }
        java.util.Arrays.fill(NEXT, (byte) REJECT);
        row(ACCEPT, 0, ACCEPT);
        row(ACCEPT, 5, 24);
        row(ACCEPT, 6, 48);
        row(ACCEPT, 7, 36);
        row(ACCEPT, 8, 60);
        row(ACCEPT, 9, 84);
        row(ACCEPT, 10, 72);
        row(ACCEPT, 11, 96);
        continuation(24, 1, 3, ACCEPT);
        continuation(36, 1, 3, 24);
        continuation(48, 3, 3, 24);
        continuation(60, 1, 2, 24);
        continuation(72, 1, 3, 36);
        continuation(84, 2, 3, 36);
        continuation(96, 1, 1, 36);
    }

    private Utf8() {
    }

    private static int classOf(int b) {
        if (b < 0x80) {
            return 0;
        } else if (b < 0x90) {
            return 1;
        } else if (b < 0xA0) {
            return 2;
        } else if (b < 0xC0) {
            return 3;
        } else if (b < 0xC2) {
            return 4;
        } else if (b < 0xE0) {
            return 5;
        } else if (b == 0xE0) {
            return 6;
        } else if (b == 0xED) {
            return 8;
        } else if (b < 0xF0) {
            return 7;
        } else if (b == 0xF0) {
            return 9;
        } else if (b < 0xF4) {
            return 10;
        } else if (b == 0xF4) {
            return 11;
        }
        return 4;
    }

    private static void row(int state, int byteClass, int next) {
        NEXT[state + byteClass] = (byte) next;
    }

    /** From {@code state}, continuation bytes of classes {@code from} to {@code to} lead to {@code next}. */
    private static void continuation(int state, int from, int to, int next) {
        for (int c = from; c <= to; c++) {
            row(state, c, next);
        }
    }

    /**
     * Runs the automaton over {@code bytes[from, to)}.
     *
     * @param state the state after the bytes before ({@link #ACCEPT} at the start of a message)
     * @return the state after these bytes; {@link #REJECT} as soon as one is invalid (the rest is not read)
     */
    static int check(int state, byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            if (state == ACCEPT) {
                // Runs of ASCII, eight bytes at a time.
                while (i + 8 <= to && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == to) {
                    break;
                }
            }
            state = NEXT[state + CLASS[bytes[i] & 0xFF]];
            if (state == REJECT) {
                return REJECT;
            }
            i++;
        }
        return state;
    }

    /** {@return true when {@code bytes[from, to)} is whole, valid UTF-8} */
    static boolean isValid(byte[] bytes, int from, int to) {
        return check(ACCEPT, bytes, from, to) == ACCEPT;
    }

    /**
     * Encodes {@code text} into {@code dst} from {@code at}, as {@link String#getBytes(java.nio.charset.Charset)} with
     * UTF-8 would (a lone surrogate becomes {@code '?'}), without an intermediate array.
     *
     * @param end the index {@code dst} may be written up to (excluded)
     * @return the index after the last byte written, or -1 when the text does not fit before {@code end}
     */
    static int encode(String text, byte[] dst, int at, int end) {
        int n = text.length();
        int p = at;
        int i = 0;
        for (int ascii = Math.min(n, end - at); i < ascii; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                break;
            }
            dst[p++] = (byte) c;
        }
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (p >= end) {
                    return -1;
                }
                dst[p++] = (byte) c;
            } else if (c < 0x800) {
                if (p + 2 > end) {
                    return -1;
                }
                dst[p++] = (byte) (0xC0 | c >> 6);
                dst[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    if (p + 4 > end) {
                        return -1;
                    }
                    int cp = Character.toCodePoint(c, text.charAt(++i));
                    dst[p++] = (byte) (0xF0 | cp >> 18);
                    dst[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    dst[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    dst[p++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    if (p >= end) {
                        return -1;
                    }
                    dst[p++] = '?';
                }
            } else {
                if (p + 3 > end) {
                    return -1;
                }
                dst[p++] = (byte) (0xE0 | c >> 12);
                dst[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                dst[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return p;
    }
}
