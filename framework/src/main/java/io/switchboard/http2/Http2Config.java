package io.switchboard.http2;

/**
 * Limits of an HTTP/2 connection. Immutable: start from {@link #DEFAULTS} and change what you need with the
 * {@code with} methods.
 *
 * <p>The header-block limits stop the CONTINUATION flood of 2024 (CVE-2024-27316, CVE-2024-28182 and their
 * kin): a peer that sends HEADERS without END_HEADERS and then CONTINUATION frames for ever, small or large,
 * makes a server that waits for the end of the block hold and parse without bound. The frame reader counts the
 * block's bytes and frames as each frame header arrives and ends the connection with {@code ENHANCE_YOUR_CALM} at
 * the first frame past either limit, before any of the block is decoded.
 *
 * @param settings              the settings this side advertises in its connection preface (default: the RFC's
 *                              initial values, with {@code SETTINGS_MAX_CONCURRENT_STREAMS} 100, as most servers,
 *                              and {@code SETTINGS_MAX_HEADER_LIST_SIZE} 16 KiB, as the HTTP/1 header section).
 *                              Its {@link Http2Settings#maxFrameSize()} is the largest frame accepted; a larger one
 *                              is a {@code FRAME_SIZE_ERROR}.
 * @param maxHeaderBlockBytes   the most bytes of one field block, its HEADERS (or PUSH_PROMISE) and CONTINUATION
 *                              payloads together, padding and priority fields included (default 32 KiB, twice
 *                              the default header list: an encoder that uses Huffman only where it shortens a
 *                              string makes a block no larger than the list it carries, which counts 32 bytes a
 *                              field besides, so this leaves the connection room to answer a list somewhat over
 *                              its limit with 431 on that stream; Netty's bound is 1.25 times its list size)
 * @param maxContinuationFrames the most CONTINUATION frames after one HEADERS or PUSH_PROMISE (default 8, as
 *                              nghttp2 and Node.js since the flood: peers that split blocks split them at the
 *                              frame size, so a block of 32 KiB needs at most 2); an empty CONTINUATION counts
 */
public record Http2Config(Http2Settings settings, int maxHeaderBlockBytes, int maxContinuationFrames) {
    /** The defaults listed above. */
    public static final Http2Config DEFAULTS = new Http2Config(
            Http2Settings.DEFAULTS.with(Http2Settings.MAX_CONCURRENT_STREAMS, 100)
                    .with(Http2Settings.MAX_HEADER_LIST_SIZE, 16 * 1024),
            32 * 1024, 8);

    /**
     * Validates the limits.
     *
     * @param settings              the settings to advertise; not null
     * @param maxHeaderBlockBytes   the most bytes of a field block; at least 1
     * @param maxContinuationFrames the most CONTINUATION frames of a field block; at least 0
     * @throws IllegalArgumentException when a limit is out of range
     */
    public Http2Config {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        if (maxHeaderBlockBytes < 1) {
            throw new IllegalArgumentException("maxHeaderBlockBytes must be at least 1, got " + maxHeaderBlockBytes);
        }
        if (maxContinuationFrames < 0) {
            throw new IllegalArgumentException("maxContinuationFrames must be at least 0, got " + maxContinuationFrames);
        }
    }

    /**
     * A copy that advertises other settings.
     *
     * @param settings the new {@code settings}
     * @return the copy
     */
    public Http2Config withSettings(Http2Settings settings) {
        return new Http2Config(settings, maxHeaderBlockBytes, maxContinuationFrames);
    }

    /**
     * A copy with other field-block limits.
     *
     * @param bytes  the new {@code maxHeaderBlockBytes}
     * @param frames the new {@code maxContinuationFrames}
     * @return the copy
     */
    public Http2Config withHeaderBlockLimits(int bytes, int frames) {
        return new Http2Config(settings, bytes, frames);
    }
}
