package io.switchboard.examples.kv;

import java.nio.charset.StandardCharsets;

/**
 * The commands {@link KvHandler} knows. {@link #find} matches a command's name as it came, in any letter case,
 * byte by byte: no String is built for the name of each command. Immutable.
 */
enum Command {
    // the commands redis-benchmark sends most come first: find tries them in this order
    GET, SET, PING, ECHO, DEL, EXISTS, INCR, MGET, MSET, EXPIRE, TTL, DBSIZE, FLUSHALL, INFO, QUIT, COMMAND, CONFIG;

    private static final Command[] ALL = values();

    private final byte[] upper = name().getBytes(StandardCharsets.US_ASCII);

    /** {@return the command called {@code name} in any letter case, or null for an unknown one} */
    static Command find(byte[] name) {
        for (Command c : ALL) {
            if (c.is(name)) {
                return c;
            }
        }
        return null;
    }

    /** {@return the name as redis-server writes it in error replies: lower case} */
    String lowerName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    private boolean is(byte[] name) {
        if (name.length != upper.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            // every byte of our names is a letter, so setting bit 0x20 on both sides ignores case, and only case
            if ((name[i] | 0x20) != (upper[i] | 0x20)) {
                return false;
            }
        }
        return true;
    }
}
