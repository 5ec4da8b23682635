package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Frames on the wire, written and read by the tests independently of the stage's own reader and writer: a peer's
 * frames to feed the stage, and the stage's output read back.
 */
final class Wire {
    static final int FIN = 0x80;
    static final int RSV1 = 0x40;
    static final int CONT = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    /** A fixed masking key, so that a frame's bytes are the same in every run. */
    static final int KEY = 0x37FA213D;

    /** One frame read back: its first byte's fields and its payload, unmasked. */
    record Frame(boolean fin, int rsv, int opcode, boolean masked, int key, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** {@return the status of a close frame, or 1005 for an empty one} */
        int closeStatus() {
            assertEquals(CLOSE, opcode, "a close frame");
            return payload.length == 0 ? 1005 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        }

        String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Frame[fin=" + fin + " rsv=" + rsv + " op=" + opcode + " masked=" + masked + " " + payload.length + " bytes]";
        }
    }

    private Wire() {
    }

    /** A masked frame (a client's), with the shortest length encoding. */
    static byte[] masked(int first, byte[] payload) {
        return frame(first, true, KEY, payload, shortest(payload.length));
    }

    /** An unmasked frame (a server's), with the shortest length encoding. */
    static byte[] unmasked(int first, byte[] payload) {
        return frame(first, false, 0, payload, shortest(payload.length));
    }

    static byte[] maskedText(String text) {
        return masked(FIN | TEXT, utf8(text));
    }

    static byte[] maskedClose(int status, String reason) {
        byte[] r = utf8(reason);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (status >> 8);
        p[1] = (byte) status;
        System.arraycopy(r, 0, p, 2, r.length);
        return masked(FIN | CLOSE, p);
    }

    /**
     * A frame with the given length encoding: 7, 16 or 64 (bits), so that tests can send lengths longer than needed.
     */
    static byte[] frame(int first, boolean mask, int key, byte[] payload, int lengthBits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        int maskBit = mask ? 0x80 : 0;
        int n = payload.length;
        if (lengthBits == 7) {
            out.write(maskBit | n);
        } else if (lengthBits == 16) {
            out.write(maskBit | 126);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        }
        byte[] body = payload.clone();
        if (mask) {
            byte[] k = {(byte) (key >> 24), (byte) (key >> 16), (byte) (key >> 8), (byte) key};
            out.writeBytes(k);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= k[i & 3];
            }
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    static int shortest(int length) {
        return length < 126 ? 7 : length <= 0xFFFF ? 16 : 64;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Reads all frames in {@code bytes}; fails the test if they do not end on a frame's end. */
    static List<Frame> parse(byte[] bytes) {
        List<Frame> frames = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.hasRemaining()) {
            int b0 = in.get() & 0xFF;
            int b1 = in.get() & 0xFF;
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = in.getLong();
            }
            boolean mask = (b1 & 0x80) != 0;
            int key = mask ? in.getInt() : 0;
            byte[] payload = new byte[(int) length];
            in.get(payload);
            if (mask) {
                byte[] k = {(byte) (key >> 24), (byte) (key >> 16), (byte) (key >> 8), (byte) key};
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= k[i & 3];
                }
            }
            frames.add(new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0F, mask, key, payload));
        }
        return frames;
    }

    /** The one frame {@code bytes} holds. */
    static Frame single(byte[] bytes) {
        List<Frame> frames = parse(bytes);
        assertEquals(1, frames.size(), "one frame in " + frames);
        return frames.get(0);
    }

    /** The payloads of a message's frames, joined; checks that only the first has RSV1 (if any) and the last FIN. */
    static byte[] joined(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            assertEquals(i == frames.size() - 1, f.fin(), "FIN on the last frame only: " + frames);
            if (i > 0) {
                assertEquals(CONT, f.opcode(), "continuation after the first frame");
                assertEquals(0, f.rsv(), "RSV1 on the first frame only");
            }
            out.writeBytes(f.payload());
        }
        return out.toByteArray();
    }

    /** A compressor for a peer's messages, as RFC 7692 section 7.2.1 says: sync flush, tail removed. */
    static final class Compressor {
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final boolean keepContext;

        Compressor(boolean keepContext) {
            this.keepContext = keepContext;
        }

        byte[] compress(byte[] message) {
            byte[] all = compressPart(message);
            if (!keepContext) {
                deflater.reset();
            }
            return Arrays.copyOf(all, all.length - 4);
        }

        /** A part of a message that goes on: flushed, with its empty stored block (the tail) kept. */
        byte[] compressPart(byte[] part) {
            deflater.setInput(part);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            byte[] all = out.toByteArray();
            assertTrue(all.length >= 4 && all[all.length - 1] == (byte) 0xFF, "ends with the empty block");
            return all;
        }
    }

    /** A decompressor for the stage's messages, as RFC 7692 section 7.2.2 says: tail appended, then inflated. */
    static final class Decompressor {
        private final Inflater inflater = new Inflater(true);
        private final boolean keepContext;

        Decompressor(boolean keepContext) {
            this.keepContext = keepContext;
        }

        byte[] decompress(byte[] payload) {
            inflater.setInput(concat(payload, new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF}));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            try {
                while (true) {
                    int n = inflater.inflate(chunk);
                    if (n > 0) {
                        out.write(chunk, 0, n);
                    } else if (inflater.needsInput() || inflater.finished() || inflater.needsDictionary()) {
                        break;
                    }
                }
            } catch (java.util.zip.DataFormatException e) {
                throw new AssertionError("the stage's compressed message does not inflate", e);
            }
            if (!keepContext) {
                inflater.reset();
            }
            return out.toByteArray();
        }
    }
}
