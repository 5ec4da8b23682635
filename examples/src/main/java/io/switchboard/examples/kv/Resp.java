package io.switchboard.examples.kv;

/**
 * Replies in RESP2, the Redis protocol: what a handler writes to a {@link RespCodec}. Besides these,
 * the codec writes {@code Long} and {@code Integer} as integers, {@code byte[]} and {@code String} as
 * bulk strings, {@link #NULL} as the null bulk string, and a {@code List} as an array.
 */
public final class Resp {
    /** The null bulk string, {@code $-1}: a missing key. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "(nil)";
        }
    };
    /** {@code +OK}. */
    public static final Simple OK = new Simple("OK");

    private Resp() {
    }

    /** A simple string such as {@code +PONG}. */
    public record Simple(String text) {
    }

    /** An error such as {@code -ERR unknown command}. */
    public record Error(String text) {
    }
}
