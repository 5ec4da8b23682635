package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Masking eight bytes at a time gives what the byte-by-byte rule of RFC 6455 section 5.3 gives, in pieces too. */
class MaskingTest {

    private static byte[] byByte(byte[] payload, int key) {
        byte[] k = {(byte) (key >> 24), (byte) (key >> 16), (byte) (key >> 8), (byte) key};
        byte[] out = payload.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= k[i & 3];
        }
        return out;
    }

    @Property
    void heapDirectAndArrayAgreeAtEveryCut(@ForAll @Size(max = 100) byte[] payload, @ForAll int key,
                                           @ForAll @IntRange(min = 0, max = 100) int cutAt, @ForAll @IntRange(max = 9) int offset) {
        byte[] expected = byByte(payload, key);
        int cut = Math.min(cutAt, payload.length);
        ByteBuffer heap = ByteBuffer.allocate(offset + payload.length);
        ByteBuffer direct = ByteBuffer.allocateDirect(offset + payload.length);
        heap.position(offset);
        heap.put(payload);
        direct.position(offset);
        direct.put(payload);
        for (ByteBuffer src : new ByteBuffer[] {heap, direct, heap.slice(offset, payload.length)}) {
            int base = src.capacity() == payload.length ? 0 : offset;
            byte[] out = new byte[payload.length + 3];
            int phase = Masking.apply(src, base, out, 3, cut, key, 0);
            assertEquals(cut & 3, phase);
            phase = Masking.apply(src, base + cut, out, 3 + cut, payload.length - cut, key, phase);
            assertEquals(payload.length & 3, phase);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 3, out.length), src.isDirect() ? "direct" : "heap");
        }
        byte[] inPlace = payload.clone();
        int phase = Masking.apply(inPlace, 0, inPlace, 0, cut, key, 0);
        Masking.apply(inPlace, cut, inPlace, cut, payload.length - cut, key, phase);
        assertArrayEquals(expected, inPlace, "in place");
    }
}
