package io.switchboard.http2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The six settings of RFC 9113 section 6.5.2: a value for each, and which of them were set. Immutable.
 *
 * <p>A value not set is the RFC's initial value, the one in force until a SETTINGS frame changes it:
 * <table>
 * <caption>Settings, their initial values and ranges</caption>
 * <tr><th>id</th><th>setting</th><th>initial value</th><th>range (a value outside is refused with)</th></tr>
 * <tr><td>0x1</td><td>{@link #HEADER_TABLE_SIZE}</td><td>4096</td><td>0 to 2^32-1</td></tr>
 * <tr><td>0x2</td><td>{@link #ENABLE_PUSH}</td><td>1</td><td>0 or 1 ({@code PROTOCOL_ERROR}); a server may not send
 * 1</td></tr>
 * <tr><td>0x3</td><td>{@link #MAX_CONCURRENT_STREAMS}</td><td>unlimited ({@link #UNLIMITED})</td><td>0 to 2^32-1</td></tr>
 * <tr><td>0x4</td><td>{@link #INITIAL_WINDOW_SIZE}</td><td>65535</td><td>0 to 2^31-1
 * ({@code FLOW_CONTROL_ERROR})</td></tr>
 * <tr><td>0x5</td><td>{@link #MAX_FRAME_SIZE}</td><td>16384</td><td>16384 to 16777215 ({@code PROTOCOL_ERROR})</td></tr>
 * <tr><td>0x6</td><td>{@link #MAX_HEADER_LIST_SIZE}</td><td>unlimited ({@link #UNLIMITED})</td><td>0 to 2^32-1</td></tr>
 * </table>
 *
 * <p>{@link #DEFAULTS} sets none. A SETTINGS frame carries only the settings set; {@link #read} returns such a
 * partial update and {@link #merge} applies it to the settings in force, so the connection can see which changed
 * (a new {@code INITIAL_WINDOW_SIZE} moves every stream's window). Settings with other ids (extensions such as
 * RFC 8441's) are skipped when read, as section 6.5.2 requires.
 */
public final class Http2Settings {
    /** The largest size of the HPACK dynamic table the sender's decoder uses. */
    public static final int HEADER_TABLE_SIZE = 0x1;
    /** 0 when the sender (a client) refuses server push. */
    public static final int ENABLE_PUSH = 0x2;
    /** The most streams the sender lets its peer open at once. */
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    /** The flow-control window each new stream starts with, for data sent to the sender. */
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    /** The largest frame payload the sender accepts. */
    public static final int MAX_FRAME_SIZE = 0x5;
    /** The largest header list the sender accepts: names and values, plus 32 bytes a field. Advisory. */
    public static final int MAX_HEADER_LIST_SIZE = 0x6;

    /** The value standing for "no limit": the largest a setting can carry, 2^32-1. */
    public static final long UNLIMITED = 0xFFFF_FFFFL;
    /** The largest flow-control window, 2^31-1. */
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;
    /** The smallest {@link #MAX_FRAME_SIZE}, also its initial value: 16384. */
    public static final int MIN_FRAME_SIZE = 1 << 14;
    /** The largest {@link #MAX_FRAME_SIZE}: 16777215. */
    public static final int MAX_FRAME_SIZE_LIMIT = (1 << 24) - 1;

    /** Every setting at its initial value, none set. */
    public static final Http2Settings DEFAULTS = new Http2Settings(
            new long[] {4096, 1, UNLIMITED, 65_535, MIN_FRAME_SIZE, UNLIMITED}, 0);

    private static final int COUNT = 6;
    /** Bytes of one setting in a SETTINGS frame: a 16-bit id and a 32-bit value. */
    static final int ENTRY_LENGTH = 6;

    /** Values by id - 1. */
    private final long[] values;
    /** Bit {@code id} is set when the setting was set. */
    private final int set;

    private Http2Settings(long[] values, int set) {
        this.values = values;
        this.set = set;
    }

    /**
     * A copy with one setting set.
     *
     * @param id    one of the six ids
     * @param value its value, in the setting's range
     * @return the copy
     * @throws IllegalArgumentException for another id or a value out of range
     */
    public Http2Settings with(int id, long value) {
        if (!isKnown(id)) {
            throw new IllegalArgumentException("unknown setting id " + id);
        }
        Http2Error refusal = check(id, value, false);
        if (refusal != null) {
            throw new IllegalArgumentException(name(id) + " out of range: " + value);
        }
        long[] copy = values.clone();
        copy[id - 1] = value;
        return new Http2Settings(copy, set | 1 << id);
    }

    /**
     * The settings in force after {@code update} arrived: its values where it set them, these elsewhere.
     *
     * @param update settings as one SETTINGS frame carried them
     * @return the merged settings; a setting is set when either had it set
     */
    public Http2Settings merge(Http2Settings update) {
        long[] copy = values.clone();
        for (int id = 1; id <= COUNT; id++) {
            if (update.isSet(id)) {
                copy[id - 1] = update.values[id - 1];
            }
        }
        return new Http2Settings(copy, set | update.set);
    }

    /**
     * {@return true when {@code id} was set, rather than left at its initial value}
     *
     * @param id a setting id
     */
    public boolean isSet(int id) {
        return isKnown(id) && (set & 1 << id) != 0;
    }

    /**
     * {@return the value of a setting: the one set, or its initial value}
     *
     * @param id one of the six ids
     * @throws IllegalArgumentException for another id
     */
    public long get(int id) {
        if (!isKnown(id)) {
            throw new IllegalArgumentException("unknown setting id " + id);
        }
        return values[id - 1];
    }

    /** {@return SETTINGS_HEADER_TABLE_SIZE} */
    public long headerTableSize() {
        return values[HEADER_TABLE_SIZE - 1];
    }

    /** {@return SETTINGS_ENABLE_PUSH as a boolean} */
    public boolean enablePush() {
        return values[ENABLE_PUSH - 1] == 1;
    }

    /** {@return SETTINGS_MAX_CONCURRENT_STREAMS; {@link #UNLIMITED} when unlimited} */
    public long maxConcurrentStreams() {
        return values[MAX_CONCURRENT_STREAMS - 1];
    }

    /** {@return SETTINGS_INITIAL_WINDOW_SIZE} */
    public int initialWindowSize() {
        return (int) values[INITIAL_WINDOW_SIZE - 1];
    }

    /** {@return SETTINGS_MAX_FRAME_SIZE} */
    public int maxFrameSize() {
        return (int) values[MAX_FRAME_SIZE - 1];
    }

    /** {@return SETTINGS_MAX_HEADER_LIST_SIZE; {@link #UNLIMITED} when unlimited} */
    public long maxHeaderListSize() {
        return values[MAX_HEADER_LIST_SIZE - 1];
    }

    /** {@return the length of the SETTINGS payload that carries the settings set: 6 bytes each} */
    public int encodedLength() {
        return Integer.bitCount(set) * ENTRY_LENGTH;
    }

    /**
     * Puts the settings set, in id order, as a SETTINGS payload ({@link #encodedLength} bytes).
     *
     * @param out where to put them
     */
    public void encode(ByteBuffer out) {
        for (int id = 1; id <= COUNT; id++) {
            if (isSet(id)) {
                out.putShort((short) id).putInt((int) values[id - 1]);
            }
        }
    }

    /**
     * Reads a SETTINGS payload, checking each value of the six as it comes: the settings it sets, in order (a
     * setting repeated takes its last value); unknown ids are skipped.
     *
     * @param in         the payload from its position, {@code length} bytes, a multiple of 6; the position moves past it
     * @param length     the payload's length
     * @param fromServer true when a server sent it: ENABLE_PUSH 1 is then refused (RFC 9113 section 6.5.2)
     * @return the settings the frame set
     * @throws Http2Exception a connection error for a value out of range: {@code FLOW_CONTROL_ERROR} for
     *                        INITIAL_WINDOW_SIZE, {@code PROTOCOL_ERROR} for the others
     */
    public static Http2Settings read(ByteBuffer in, int length, boolean fromServer) {
        long[] values = DEFAULTS.values.clone();
        int set = 0;
        for (int at = 0; at < length; at += ENTRY_LENGTH) {
            int id = in.getShort() & 0xFFFF;
            long value = in.getInt() & 0xFFFF_FFFFL;
            if (!isKnown(id)) {
                continue;
            }
            Http2Error refusal = check(id, value, fromServer);
            if (refusal != null) {
                throw Http2Exception.connection(refusal, name(id) + " out of range: " + value);
            }
            values[id - 1] = value;
            set |= 1 << id;
        }
        return new Http2Settings(values, set);
    }

    /** {@return null when {@code value} is in the range of setting {@code id}, else the error it is refused with} */
    private static Http2Error check(int id, long value, boolean fromServer) {
        return switch (id) {
            case ENABLE_PUSH -> value == 0 || value == 1 && !fromServer ? null : Http2Error.PROTOCOL_ERROR;
            case INITIAL_WINDOW_SIZE -> value >= 0 && value <= MAX_WINDOW_SIZE ? null : Http2Error.FLOW_CONTROL_ERROR;
            case MAX_FRAME_SIZE -> value >= MIN_FRAME_SIZE && value <= MAX_FRAME_SIZE_LIMIT ? null : Http2Error.PROTOCOL_ERROR;
            default -> value >= 0 && value <= UNLIMITED ? null : Http2Error.PROTOCOL_ERROR;
        };
    }

    private static boolean isKnown(int id) {
        return id >= 1 && id <= COUNT;
    }

    private static String name(int id) {
        return switch (id) {
            case HEADER_TABLE_SIZE -> "SETTINGS_HEADER_TABLE_SIZE";
            case ENABLE_PUSH -> "SETTINGS_ENABLE_PUSH";
            case MAX_CONCURRENT_STREAMS -> "SETTINGS_MAX_CONCURRENT_STREAMS";
            case INITIAL_WINDOW_SIZE -> "SETTINGS_INITIAL_WINDOW_SIZE";
            case MAX_FRAME_SIZE -> "SETTINGS_MAX_FRAME_SIZE";
            default -> "SETTINGS_MAX_HEADER_LIST_SIZE";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Http2Settings other && set == other.set && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * set + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Http2Settings[");
        String sep = "";
        for (int id = 1; id <= COUNT; id++) {
            if (isSet(id)) {
                sb.append(sep).append(name(id)).append('=').append(values[id - 1]);
                sep = ", ";
            }
        }
        return sb.append(']').toString();
    }
}
