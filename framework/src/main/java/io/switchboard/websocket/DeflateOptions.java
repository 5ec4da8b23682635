package io.switchboard.websocket;

import java.time.Duration;
import java.util.zip.Deflater;

/**
 * How this side uses permessage-deflate (RFC 7692) when the peer offers or accepts it. Immutable.
 *
 * <p>Memory is the cost to watch: zlib's deflate state is 256 KiB of native memory and its inflate state about 40 KiB
 * (7 KiB and a 32 KiB window), per connection; a pair held 102 KiB resident after one 1 KiB message and 233 KiB once
 * messages had filled the windows (docs/websocket.md has the measurement). So the deflater and the inflater are made
 * only when a message is first compressed or inflated, and the deflater is let go after {@code releaseAfterIdle} without one
 * (a sender may always start afresh; only the next message's ratio suffers). The inflater must keep the peer's
 * context unless the peer gives it up: set {@code clientNoContextTakeover} on a server with many idle connections to
 * ask clients for that (the inflater is then let go after {@code releaseAfterIdle} too); a client that offers it
 * gets it anyway.
 *
 * @param level                   the deflate level, 0 to 9, or -1 for zlib's default (6) (default -1, as Netty and
 *                                Jetty)
 * @param threshold               messages shorter than this many bytes (characters for text) are sent uncompressed,
 *                                with RSV1 clear, which RFC 7692 allows per message (default 128: below it the deflate
 *                                call costs more than the few bytes it saves, and the frame leaves in one packet
 *                                either way)
 * @param serverNoContextTakeover a server declares {@code server_no_context_takeover} in every response, so it
 *                                compresses each message on its own (default false: keep the context, for a better
 *                                ratio on streams of similar messages)
 * @param clientNoContextTakeover a server asks the client for {@code client_no_context_takeover} in every response,
 *                                so its inflater holds no context between messages (default false)
 * @param releaseAfterIdle        how long a connection may go without compressing (or, without the peer's context,
 *                                inflating) before the deflater (inflater) is let go; zero keeps them for the
 *                                connection's life (default 10 s)
 */
public record DeflateOptions(int level, int threshold, boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                             Duration releaseAfterIdle) {

    /** The defaults listed above. */
    public static final DeflateOptions DEFAULTS = new DeflateOptions(Deflater.DEFAULT_COMPRESSION, 128, false, false,
            Duration.ofSeconds(10));

    /**
     * Validates the options.
     *
     * @param level                   the deflate level, -1 to 9
     * @param threshold               the smallest message compressed, not negative
     * @param serverNoContextTakeover whether a server compresses each message on its own
     * @param clientNoContextTakeover whether a server asks clients to compress each message on its own
     * @param releaseAfterIdle        idle time before the deflater is let go; zero to keep it
     * @throws IllegalArgumentException when an option is out of range
     */
    public DeflateOptions {
        if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("level must be -1 to 9, got " + level);
        }
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold must not be negative, got " + threshold);
        }
        if (releaseAfterIdle == null || releaseAfterIdle.isNegative()) {
            throw new IllegalArgumentException("releaseAfterIdle must be zero or positive");
        }
    }

    /**
     * A copy with another compression threshold.
     *
     * @param bytes the new {@code threshold}
     * @return the copy
     */
    public DeflateOptions withThreshold(int bytes) {
        return new DeflateOptions(level, bytes, serverNoContextTakeover, clientNoContextTakeover, releaseAfterIdle);
    }

    /**
     * A copy with other context takeover choices.
     *
     * @param serverNoContextTakeover the new {@code serverNoContextTakeover}
     * @param clientNoContextTakeover the new {@code clientNoContextTakeover}
     * @return the copy
     */
    public DeflateOptions withNoContextTakeover(boolean serverNoContextTakeover, boolean clientNoContextTakeover) {
        return new DeflateOptions(level, threshold, serverNoContextTakeover, clientNoContextTakeover, releaseAfterIdle);
    }

    /**
     * A copy with another idle time before the deflater is let go.
     *
     * @param idle the new {@code releaseAfterIdle}
     * @return the copy
     */
    public DeflateOptions withReleaseAfterIdle(Duration idle) {
        return new DeflateOptions(level, threshold, serverNoContextTakeover, clientNoContextTakeover, idle);
    }
}
