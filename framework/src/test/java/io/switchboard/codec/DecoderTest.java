package io.switchboard.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecoderTest {

    /** A whole framing codec on the base: "NN:payload" where NN is a two-digit length. */
    static final class TwoDigitFrames extends Decoder {
        TwoDigitFrames() {
            super(3 + 99);
        }

        @Override
        protected Object decode(HandlerContext ctx, ByteBuffer in) {
            if (in.remaining() < 3) {
                return null;
            }
            int p = in.position();
            int length = (in.get(p) - '0') * 10 + (in.get(p + 1) - '0');
            if (in.get(p + 2) != ':' || length < 0 || length > 99) {
                throw new io.switchboard.pipeline.ProtocolException("bad frame header");
            }
            if (in.remaining() < 3 + length) {
                return null;
            }
            byte[] payload = new byte[length];
            in.position(p + 3).get(payload);
            return new String(payload, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aSmallCustomCodecDecodesAtEverySplit() {
        Splits.check("05:hello00:03:abc".getBytes(StandardCharsets.US_ASCII),
                () -> new EmbeddedConnection(p -> p.add(new TwoDigitFrames())),
                c -> assertEquals(List.of("hello", "", "abc"), c.readMessages()));
    }

    @Test
    void protocolErrorClosesAndLaterBytesAreIgnored() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new TwoDigitFrames()));
        c.feed("02:okzz:05:later");
        assertEquals(List.of("ok"), c.readMessages());
        assertTrue(c.isClosed());
        c.feed("05:again");
        assertTrue(c.readMessages().isEmpty());
    }

    @Test
    void decodeThatConsumesNothingIsABug() {
        Decoder broken = new Decoder(100) {
            @Override
            protected Object decode(HandlerContext ctx, ByteBuffer in) {
                return "never consumes";
            }
        };
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(broken));
        c.feed("x");
        assertTrue(c.events().contains("exception:IllegalStateException"), c.events().toString());
        assertFalse(c.isOpen());
    }

    @Test
    void removingTheDecoderPassesTheRestOfTheStreamOn() {
        // A protocol switch: after the line "RAW" the decoder removes itself and bytes flow unframed.
        LineCodec lines = new LineCodec(64);
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(lines).add(new io.switchboard.pipeline.Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                if ("RAW".equals(message)) {
                    ctx.pipeline().remove(lines);
                }
                ctx.fireRead(message);
            }
        }));
        c.feed("one\nRAW\nbytes after");
        List<Object> got = c.readMessages();
        assertEquals(List.of("one", "RAW"), got.subList(0, 2));
        assertArrayEquals("bytes after".getBytes(StandardCharsets.US_ASCII), (byte[]) got.get(2));
    }

    @Test
    void bufferedBytesGoOnWhenTheDecoderIsRemovedFromOutside() {
        LineCodec lines = new LineCodec(64);
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(lines));
        c.feed("partial");
        assertTrue(c.readMessages().isEmpty());
        c.pipeline().remove(lines);
        assertArrayEquals("partial".getBytes(StandardCharsets.US_ASCII), (byte[]) c.readMessage());
    }

    @Test
    void rawCodecHandsOverOwnedCopiesAndEncodesText() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new RawCodec()));
        c.feed("abc");
        Object first = c.readMessage();
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), (byte[]) first);
        c.connection().write("zé");
        c.runPending();
        assertEquals("zé", c.takeWrittenString());
    }
}
