package io.switchboard.websocket;

/** The frame opcodes of RFC 6455 section 5.2, and the bits of a frame's first byte. Constants only. */
final class Opcode {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    static final int FIN = 0x80;
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;
    static final int RSV3 = 0x10;
    static final int MASK = 0x80;

    /** The largest payload of a control frame. */
    static final int MAX_CONTROL_PAYLOAD = 125;

    private Opcode() {
    }

    /** {@return true for close, ping and pong (opcodes 0x8 to 0xF)} */
    static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /** {@return true for the opcodes RFC 6455 defines; the others are reserved and refused} */
    static boolean isKnown(int opcode) {
        return opcode <= BINARY || opcode >= CLOSE && opcode <= PONG;
    }
}
