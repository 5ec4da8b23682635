package io.switchboard.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The receiving side of one connection: a resumable parser of frames (RFC 6455 section 5) that assembles messages and
 * hands them, and control frames, to a {@link Listener}. No I/O; any split of the input reads the same.
 *
 * <p>Each {@link #step} reads one frame header or one piece of payload. A header is read when all of it is there
 * (the caller keeps a partial one); it is checked before any payload is taken: reserved bits without an extension
 * that uses them, reserved opcodes, a control frame that is fragmented or longer than 125 bytes, a frame masked the
 * wrong way for this side, a 64-bit length with its top bit set, a continuation without a message or a new message
 * inside one all fail with {@link CloseStatus#PROTOCOL_ERROR}; a data frame over the frame limit, or one that would
 * take an uncompressed message over the message limit, fails with {@link CloseStatus#MESSAGE_TOO_BIG} before any of
 * its payload is held. Data payload is unmasked (or inflated) into the {@link MessageBuffer} as it arrives, a piece
 * per read, and text is checked as it goes, so an invalid byte fails the connection as soon as it arrives. A control
 * frame is handled when all of it is there (at most 131 bytes), even between the frames of a fragmented message.
 * Loop thread only; one per connection.
 */
final class FrameReader {
    /** Where the frames and messages go. */
    interface Listener {
        /** A whole text message. */
        void text(String text);

        /** A whole binary message, borrowed until the call returns. */
        void binary(ByteBuffer data);

        /** A ping's payload, between position and limit; borrowed until the call returns. */
        void ping(ByteBuffer payload);

        /** A pong's payload, between position and limit; borrowed until the call returns. */
        void pong(ByteBuffer payload);

        /** A valid close frame: its status ({@link CloseStatus#NO_STATUS} for none) and reason. */
        void close(int status, String reason);
    }

    private final boolean expectMasked;
    private final int maxFrame;
    private final int maxMessage;
    private final MessageBuffer message;
    /** Null when permessage-deflate was not negotiated: RSV1 is then refused. */
    private final MessageInflater inflater;
    private final Listener listener;
    /** A control frame's payload, and a view of it that is handed out again for every control frame. */
    private byte[] control;
    private ByteBuffer controlView;

    /** True between a data frame's header and the end of its payload. */
    private boolean inPayload;
    private boolean fin;
    private boolean masked;
    private int key;
    private int phase;
    private long remaining;
    /** {@link Opcode#TEXT} or {@link Opcode#BINARY} while a message is open (between its first and last frame), else 0. */
    private int messageKind;
    private boolean compressed;
    /** True once the stage sent its close frame: data frames are still parsed, and dropped. */
    private boolean discard;
    private long nowNanos;

    FrameReader(boolean expectMasked, int maxFrame, int maxMessage, MessageBuffer message, MessageInflater inflater,
                Listener listener) {
        this.expectMasked = expectMasked;
        this.maxFrame = maxFrame;
        this.maxMessage = maxMessage;
        this.message = message;
        this.inflater = inflater;
        this.listener = listener;
    }

    /**
     * Reads one frame header (with the whole frame, for a control frame) or one piece of payload from {@code in}.
     *
     * @param nowNanos the loop's clock, for the inflater's idle time
     * @return false, having taken nothing, when {@code in} holds too little to go on
     * @throws WebSocketException when the input breaks the protocol or a limit
     */
    boolean step(ByteBuffer in, long nowNanos) {
        this.nowNanos = nowNanos;
        if (inPayload) {
            payload(in);
            return true;
        }
        return header(in);
    }

    /** The read ends: an open message keeps its bytes in an array of its own. */
    void endOfRead() {
        if (message.isOpen()) {
            message.keep(inPayload && !compressed ? remaining : 0);
        }
    }

    /**
     * From now on data frames are parsed and dropped (this side sent its close frame, or the connection is closing); a
     * message being read is let go, with its memory.
     */
    void discard() {
        discard = true;
        message.finish();
    }

    /** {@return true while a message has arrived in part} For tests. */
    boolean messageOpen() {
        return messageKind != 0;
    }

    private boolean header(ByteBuffer in) {
        int at = in.position();
        int available = in.remaining();
        if (available < 2) {
            return false;
        }
        int b0 = in.get(at) & 0xFF;
        int b1 = in.get(at + 1) & 0xFF;
        int opcode = b0 & 0x0F;
        boolean rsv1 = (b0 & Opcode.RSV1) != 0;
        boolean isControl = Opcode.isControl(opcode);
        if ((b0 & (Opcode.RSV2 | Opcode.RSV3)) != 0) {
            throw protocol("RSV2 or RSV3 set, and no extension uses them");
        }
        if (!Opcode.isKnown(opcode)) {
            throw protocol("reserved opcode " + opcode);
        }
        boolean maskBit = (b1 & Opcode.MASK) != 0;
        if (maskBit != expectMasked) {
            throw protocol(expectMasked ? "a client's frame is not masked" : "a server's frame is masked");
        }
        int length7 = b1 & 0x7F;
        if (isControl) {
            if ((b0 & Opcode.FIN) == 0) {
                throw protocol("fragmented control frame");
            }
            if (length7 > Opcode.MAX_CONTROL_PAYLOAD) {
                throw protocol("control frame longer than 125 bytes");
            }
            if (rsv1) {
                throw protocol("RSV1 set on a control frame");
            }
        } else if (opcode == Opcode.CONTINUATION) {
            if (messageKind == 0) {
                throw protocol("continuation frame with no message to continue");
            }
            if (rsv1) {
                throw protocol("RSV1 set on a continuation frame");
            }
        } else {
            if (messageKind != 0) {
                throw protocol("a new message starts before the last one ended");
            }
            if (rsv1 && inflater == null) {
                throw protocol("RSV1 set, and permessage-deflate was not agreed");
            }
        }
        int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        int headerLength = 2 + extended + (maskBit ? 4 : 0);
        if (available < headerLength) {
            return false;
        }
        long length = extended == 0 ? length7 : bigEndian(in, at + 2, extended);
        if (length < 0) {
            throw protocol("64-bit payload length with its top bit set");
        }
        int frameKey = maskBit ? (int) bigEndian(in, at + 2 + extended, 4) : 0;
        if (isControl) {
            if (available < headerLength + length) {
                return false;
            }
            in.position(at + headerLength);
            control(in, opcode, (int) length, maskBit, frameKey);
            return true;
        }
        if (length > maxFrame && !discard) {
            throw tooBig("frame of " + length + " bytes, over the limit of " + maxFrame);
        }
        boolean willCompress = opcode == Opcode.CONTINUATION ? compressed : rsv1;
        long soFar = opcode == Opcode.CONTINUATION ? message.size() : 0;
        if (!willCompress && !discard && soFar + length > maxMessage) {
            throw tooBig("message of " + (soFar + length) + " bytes or more, over the limit of " + maxMessage);
        }
        in.position(at + headerLength);
        if (opcode != Opcode.CONTINUATION) {
            messageKind = opcode;
            compressed = rsv1;
            if (!discard) {
                message.start(opcode == Opcode.TEXT);
            }
        }
        fin = (b0 & Opcode.FIN) != 0;
        masked = maskBit;
        key = frameKey;
        phase = 0;
        remaining = length;
        inPayload = true;
        if (length == 0) {
            frameEnd();
        }
        return true;
    }

    private void payload(ByteBuffer in) {
        int n = (int) Math.min(remaining, in.remaining());
        int at = in.position();
        if (!discard) {
            if (compressed) {
                phase = inflater.inflate(in, at, n, masked, key, phase, message);
            } else {
                message.room(n);
                if (masked) {
                    phase = Masking.apply(in, at, message.array(), message.size(), n, key, phase);
                } else {
                    in.get(at, message.array(), message.size(), n);
                }
                message.added(n);
            }
        }
        in.position(at + n);
        remaining -= n;
        if (remaining == 0) {
            frameEnd();
        }
    }

    private void frameEnd() {
        inPayload = false;
        if (!fin) {
            return;
        }
        int kind = messageKind;
        messageKind = 0;
        if (discard) {
            return;
        }
        if (compressed) {
            inflater.endMessage(message, nowNanos);
        }
        message.complete();
        try {
            if (kind == Opcode.TEXT) {
                listener.text(new String(message.array(), 0, message.size(), StandardCharsets.UTF_8));
            } else {
                listener.binary(message.binary());
            }
        } finally {
            message.finish();
        }
    }

    private void control(ByteBuffer in, int opcode, int length, boolean maskBit, int frameKey) {
        if (control == null) {
            control = new byte[Opcode.MAX_CONTROL_PAYLOAD];
            controlView = ByteBuffer.wrap(control);
        }
        int at = in.position();
        if (maskBit) {
            Masking.apply(in, at, control, 0, length, frameKey, 0);
        } else {
            in.get(at, control, 0, length);
        }
        in.position(at + length);
        if (opcode == Opcode.PING) {
            listener.ping(controlView.limit(length).position(0));
        } else if (opcode == Opcode.PONG) {
            listener.pong(controlView.limit(length).position(0));
        } else {
            close(length);
        }
    }

    private void close(int length) {
        if (length == 0) {
            listener.close(CloseStatus.NO_STATUS, "");
            return;
        }
        if (length == 1) {
            throw protocol("close frame with a 1-byte payload");
        }
        int status = (control[0] & 0xFF) << 8 | control[1] & 0xFF;
        if (!CloseStatus.isValid(status)) {
            throw protocol("close status " + status + " may not be sent");
        }
        if (!Utf8.isValid(control, 2, length)) {
            throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "close reason is not valid UTF-8");
        }
        listener.close(status, new String(control, 2, length - 2, StandardCharsets.UTF_8));
    }

    private static long bigEndian(ByteBuffer in, int at, int bytes) {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = value << 8 | in.get(at + i) & 0xFF;
        }
        return value;
    }

    private static WebSocketException protocol(String message) {
        return new WebSocketException(CloseStatus.PROTOCOL_ERROR, message);
    }

    private static WebSocketException tooBig(String message) {
        return new WebSocketException(CloseStatus.MESSAGE_TOO_BIG, message);
    }
}
