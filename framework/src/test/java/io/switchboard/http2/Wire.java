package io.switchboard.http2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Frames built byte by byte from RFC 9113, independently of {@link Http2FrameWriter}, for feeding readers. */
final class Wire {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int PRIORITY = 0x2;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PUSH_PROMISE = 0x5;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;
    static final int PADDED = 0x8;
    static final int PRIORITY_FLAG = 0x20;

    static final byte[] PREFACE = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    /** An empty SETTINGS frame: the smallest valid first frame. */
    static final byte[] EMPTY_SETTINGS = frame(SETTINGS, 0, 0);

    private Wire() {
    }

    /** A frame whose header declares the payload's own length. */
    static byte[] frame(int type, int flags, int streamId, byte... payload) {
        return frame(payload.length, type, flags, streamId, payload);
    }

    /** A frame whose header declares {@code length}, whatever the payload. */
    static byte[] frame(int length, int type, int flags, int streamId, byte... payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (length >>> 16);
        f[1] = (byte) (length >>> 8);
        f[2] = (byte) length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (streamId >>> 24);
        f[6] = (byte) (streamId >>> 16);
        f[7] = (byte) (streamId >>> 8);
        f[8] = (byte) streamId;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** The 9-byte header alone. */
    static byte[] header(int length, int type, int flags, int streamId) {
        return frame(length, type, flags, streamId);
    }

    static byte[] int32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] int64(long v) {
        return concat(int32(v >>> 32), int32(v));
    }

    /** One setting entry: 16-bit id, 32-bit value. */
    static byte[] setting(int id, long value) {
        return concat(new byte[] {(byte) (id >>> 8), (byte) id}, int32(value));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] zeros(int n) {
        return new byte[n];
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + (i * 7 + seed) % 26);
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The client's preface and an empty SETTINGS, then {@code frames}: what a server reads first. */
    static byte[] fromClient(byte[]... frames) {
        return concat(PREFACE, EMPTY_SETTINGS, concat(frames));
    }

    /** An empty SETTINGS, then {@code frames}: what a client reads first. */
    static byte[] fromServer(byte[]... frames) {
        return concat(EMPTY_SETTINGS, concat(frames));
    }
}
