package io.switchboard.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The XOR masking of RFC 6455 section 5.3, eight bytes at a time. A mask key is an {@code int} whose big-endian
 * bytes are the four key bytes in wire order; a phase (0 to 3) says which key byte the next payload byte meets, so
 * a payload masked or unmasked a piece at a time (across reads) comes out the same. Stateless.
 */
final class Masking {
    private static final VarHandle ARRAY_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BUFFER_LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Masking() {
    }

    /**
     * XORs {@code length} bytes of {@code src} from {@code srcAt} into {@code dst} at {@code dstAt}; {@code src}'s
     * position does not move.
     *
     * @return the phase after these bytes
     */
    static int apply(ByteBuffer src, int srcAt, byte[] dst, int dstAt, int length, int key, int phase) {
        long mask = wide(key, phase);
        int i = 0;
        if (src.hasArray()) {
            byte[] a = src.array();
            int base = src.arrayOffset() + srcAt;
            for (; i + 8 <= length; i += 8) {
                ARRAY_LONGS.set(dst, dstAt + i, (long) ARRAY_LONGS.get(a, base + i) ^ mask);
            }
        } else {
            for (; i + 8 <= length; i += 8) {
                ARRAY_LONGS.set(dst, dstAt + i, (long) BUFFER_LONGS.get(src, srcAt + i) ^ mask);
            }
        }
        for (; i < length; i++) {
            dst[dstAt + i] = (byte) (src.get(srcAt + i) ^ (mask >>> (56 - 8 * (i & 7))));
        }
        return (phase + length) & 3;
    }

    /**
     * XORs {@code length} bytes of {@code src} from {@code srcAt} into {@code dst} at {@code dstAt} (the two may be the
     * same array at the same place).
     *
     * @return the phase after these bytes
     */
    static int apply(byte[] src, int srcAt, byte[] dst, int dstAt, int length, int key, int phase) {
        long mask = wide(key, phase);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            ARRAY_LONGS.set(dst, dstAt + i, (long) ARRAY_LONGS.get(src, srcAt + i) ^ mask);
        }
        for (; i < length; i++) {
            dst[dstAt + i] = (byte) (src[srcAt + i] ^ (mask >>> (56 - 8 * (i & 7))));
        }
        return (phase + length) & 3;
    }

    /** The key turned to start at byte {@code phase}, twice over: eight key bytes in wire order. */
    private static long wide(int key, int phase) {
        int turned = Integer.rotateLeft(key, 8 * phase);
        return ((long) turned << 32) | (turned & 0xFFFF_FFFFL);
    }
}
