package io.switchboard.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LengthFieldCodecTest {

    private static byte[] frames(int lengthBytes, byte[]... payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : payloads) {
            ByteBuffer header = ByteBuffer.allocate(lengthBytes);
            switch (lengthBytes) {
                case 1 -> header.put((byte) p.length);
                case 2 -> header.putShort((short) p.length);
                case 4 -> header.putInt(p.length);
                default -> header.putLong(p.length);
            }
            out.writeBytes(header.array());
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void decodesFramesAtEverySplit(int lengthBytes) {
        byte[] a = {1, 2, 3};
        byte[] empty = {};
        byte[] b = new byte[200];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        Splits.check(frames(lengthBytes, a, empty, b), () -> new EmbeddedConnection(p -> p.add(new LengthFieldCodec(lengthBytes, 255))),
                c -> {
                    List<Object> got = c.readMessages();
                    assertEquals(3, got.size());
                    assertArrayEquals(a, (byte[]) got.get(0));
                    assertArrayEquals(empty, (byte[]) got.get(1));
                    assertArrayEquals(b, (byte[]) got.get(2));
                });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void encodesWithThePrefix(int lengthBytes) {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new LengthFieldCodec(lengthBytes, 255)));
        c.connection().write(new byte[] {9, 8});
        c.connection().write(ByteBuffer.wrap(new byte[] {7}));
        c.runPending();
        assertArrayEquals(frames(lengthBytes, new byte[] {9, 8}, new byte[] {7}), c.takeWritten());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void declaredLengthOverTheLimitClosesBeforeThePayloadArrives(int lengthBytes) {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new LengthFieldCodec(lengthBytes, 1000)));
        ByteBuffer header = ByteBuffer.allocate(lengthBytes);
        switch (lengthBytes) {
            case 2 -> header.putShort((short) 1001);
            case 4 -> header.putInt(1001);
            default -> header.putLong(Long.MIN_VALUE);
        }
        c.feed(header.array());
        assertFalse(c.isOpen());
        assertTrue(c.events().contains("exception:FrameTooLongException"), c.events().toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void refusesToWriteAFrameItsPrefixCannotHold(int lengthBytes) {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new LengthFieldCodec(lengthBytes, 100_000)));
        c.connection().write(new byte[lengthBytes == 1 ? 256 : 65536]);
        c.runPending();
        assertEquals(0, c.takeWritten().length);
        assertFalse(c.isOpen(), "a write the encoder rejects fails the connection");
    }
}
