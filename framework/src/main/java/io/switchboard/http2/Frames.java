package io.switchboard.http2;

import java.nio.charset.StandardCharsets;

/** The frame types and flags of RFC 9113 sections 4 and 6, and the client's connection preface. Constants only. */
final class Frames {
    /** Every frame starts with a header of this many bytes: length (24 bits), type, flags, stream id (31 bits). */
    static final int HEADER_LENGTH = 9;

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

    /** DATA, HEADERS: the last frame the sender sends on the stream. */
    static final int END_STREAM = 0x1;
    /** SETTINGS, PING: an acknowledgement. */
    static final int ACK = 0x1;
    /** HEADERS, PUSH_PROMISE, CONTINUATION: the last frame of a field block. */
    static final int END_HEADERS = 0x4;
    /** DATA, HEADERS, PUSH_PROMISE: a Pad Length byte starts the payload and padding ends it. */
    static final int PADDED = 0x8;
    /** HEADERS: the payload starts (after Pad Length) with the five bytes of a PRIORITY frame. */
    static final int PRIORITY_FLAG = 0x20;

    /** The 31 bits of a stream id or window increment; the top bit is reserved and ignored when read. */
    static final int STREAM_ID_MASK = 0x7FFF_FFFF;

    /** The client connection preface (RFC 9113 section 3.4), sent before its first SETTINGS frame. */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private Frames() {
    }

    /** {@return the name of a frame type, for messages} */
    static String name(int type) {
        return switch (type) {
            case DATA -> "DATA";
            case HEADERS -> "HEADERS";
            case PRIORITY -> "PRIORITY";
            case RST_STREAM -> "RST_STREAM";
            case SETTINGS -> "SETTINGS";
            case PUSH_PROMISE -> "PUSH_PROMISE";
            case PING -> "PING";
            case GOAWAY -> "GOAWAY";
            case WINDOW_UPDATE -> "WINDOW_UPDATE";
            case CONTINUATION -> "CONTINUATION";
            default -> "frame of type " + type;
        };
    }
}
