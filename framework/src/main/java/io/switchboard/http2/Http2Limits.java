package io.switchboard.http2;

import java.time.Duration;

/**
 * The limits of the server side of an HTTP/2 connection, beyond those of the frame layer ({@link Http2Config}).
 * Immutable: start from {@link #DEFAULTS} and change what you need with the {@code with} methods.
 *
 * <p><b>Flood budgets.</b> Each kind of frame that costs the server work and gives the client nothing it could
 * not get otherwise has a budget per {@code budgetWindow}: past any of them the connection ends with GOAWAY
 * {@code ENHANCE_YOUR_CALM} and a close. The windows are fixed intervals of the loop's clock, counted from the
 * first frame counted in them.
 * <ul>
 * <li>{@code maxResets}: RST_STREAM frames received (Rapid Reset, CVE-2023-44487; the 2019 reset flood,
 *     CVE-2019-9514) and RST_STREAM frames the server sends because of what the client sent: malformed requests,
 *     stream errors of the frame layer, streams refused past {@code SETTINGS_MAX_CONCURRENT_STREAMS}
 *     (MadeYouReset, CVE-2025-8671), all counted together;</li>
 * <li>{@code maxPings}: PING frames (CVE-2019-9512);</li>
 * <li>{@code maxSettings}: SETTINGS frames (CVE-2019-9515);</li>
 * <li>{@code maxEmptyFrames}: DATA frames without END_STREAM, HEADERS without END_STREAM and CONTINUATION
 *     frames, whose payload is empty (CVE-2019-9518, CVE-2019-9516), frames of unknown types, and PRIORITY frames
 *     (accepted and ignored, so they give the client nothing);</li>
 * <li>{@code maxUselessWindowUpdates}: WINDOW_UPDATE frames that open less than 1 KiB of window, or name a stream
 *     that is already closed (the data dribble of CVE-2019-9511 asks for tiny frames this way).</li>
 * </ul>
 *
 * @param frames                  the frame layer's limits and the settings the server advertises (default
 *                                {@link Http2Config#DEFAULTS} with {@code SETTINGS_INITIAL_WINDOW_SIZE} 256 KiB, so
 *                                an upload of one stream is not held to 64 KiB a round trip)
 * @param connectionWindow        the connection's receive window, opened with a WINDOW_UPDATE on stream 0 right
 *                                after the server's SETTINGS (default 1 MiB, four streams' windows)
 * @param maxBufferedBodies       bytes of request bodies the connection holds for requests not yet answered; past
 *                                it the connection's window is no longer replenished, so the client waits rather
 *                                than the server buffering (default 16 MiB, twice {@code HttpConfig.maxBody})
 * @param settingsTimeout         how long the client has to send its preface and SETTINGS, and to acknowledge
 *                                the server's SETTINGS: GOAWAY {@code SETTINGS_TIMEOUT} after (default 10 s)
 * @param budgetWindow            the interval the budgets count in (default 10 s)
 * @param maxResets               resets received and sent per window (default 200)
 * @param maxPings                PINGs per window (default 50)
 * @param maxSettings             SETTINGS frames per window (default 50)
 * @param maxEmptyFrames          empty frames per window (default 100)
 * @param maxUselessWindowUpdates WINDOW_UPDATEs of no value per window (default 200)
 */
public record Http2Limits(Http2Config frames, int connectionWindow, long maxBufferedBodies, Duration settingsTimeout,
        Duration budgetWindow, int maxResets, int maxPings, int maxSettings, int maxEmptyFrames,
        int maxUselessWindowUpdates) {
    /** The defaults listed above. */
    public static final Http2Limits DEFAULTS = new Http2Limits(
            Http2Config.DEFAULTS.withSettings(
                    Http2Config.DEFAULTS.settings().with(Http2Settings.INITIAL_WINDOW_SIZE, 256 * 1024)),
            1024 * 1024, 16L * 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(10), 200, 50, 50, 100, 200);

    /**
     * Validates the limits.
     *
     * @param frames                  not null
     * @param connectionWindow        65535 to 2^31-1
     * @param maxBufferedBodies       at least 0
     * @param settingsTimeout         positive
     * @param budgetWindow            positive
     * @param maxResets               at least 1
     * @param maxPings                at least 1
     * @param maxSettings             at least 1
     * @param maxEmptyFrames          at least 1
     * @param maxUselessWindowUpdates at least 1
     * @throws IllegalArgumentException when a limit is out of range
     */
    public Http2Limits {
        if (frames == null || settingsTimeout == null || budgetWindow == null) {
            throw new IllegalArgumentException("frames, settingsTimeout and budgetWindow must not be null");
        }
        if (connectionWindow < 65_535) {
            throw new IllegalArgumentException("connectionWindow must be at least 65535, got " + connectionWindow);
        }
        if (maxBufferedBodies < 0) {
            throw new IllegalArgumentException("maxBufferedBodies must not be negative, got " + maxBufferedBodies);
        }
        if (settingsTimeout.isNegative() || settingsTimeout.isZero() || budgetWindow.isNegative()
                || budgetWindow.isZero()) {
            throw new IllegalArgumentException("settingsTimeout and budgetWindow must be positive");
        }
        if (maxResets < 1 || maxPings < 1 || maxSettings < 1 || maxEmptyFrames < 1 || maxUselessWindowUpdates < 1) {
            throw new IllegalArgumentException("every budget must be at least 1");
        }
    }

    /**
     * A copy with other frame-layer limits and settings.
     *
     * @param config the new {@code frames}
     * @return the copy
     */
    public Http2Limits withFrames(Http2Config config) {
        return new Http2Limits(config, connectionWindow, maxBufferedBodies, settingsTimeout, budgetWindow, maxResets,
                maxPings, maxSettings, maxEmptyFrames, maxUselessWindowUpdates);
    }

    /**
     * A copy with other flood budgets.
     *
     * @param window       the new {@code budgetWindow}
     * @param resets       the new {@code maxResets}
     * @param pings        the new {@code maxPings}
     * @param settings     the new {@code maxSettings}
     * @param emptyFrames  the new {@code maxEmptyFrames}
     * @param windowUpdates the new {@code maxUselessWindowUpdates}
     * @return the copy
     */
    public Http2Limits withBudgets(Duration window, int resets, int pings, int settings, int emptyFrames,
            int windowUpdates) {
        return new Http2Limits(frames, connectionWindow, maxBufferedBodies, settingsTimeout, window, resets, pings,
                settings, emptyFrames, windowUpdates);
    }

    /**
     * A copy with other windows and buffering.
     *
     * @param connection the new {@code connectionWindow}
     * @param buffered   the new {@code maxBufferedBodies}
     * @return the copy
     */
    public Http2Limits withWindows(int connection, long buffered) {
        return new Http2Limits(frames, connection, buffered, settingsTimeout, budgetWindow, maxResets, maxPings,
                maxSettings, maxEmptyFrames, maxUselessWindowUpdates);
    }

    /**
     * A copy with another SETTINGS timeout.
     *
     * @param timeout the new {@code settingsTimeout}
     * @return the copy
     */
    public Http2Limits withSettingsTimeout(Duration timeout) {
        return new Http2Limits(frames, connectionWindow, maxBufferedBodies, timeout, budgetWindow, maxResets, maxPings,
                maxSettings, maxEmptyFrames, maxUselessWindowUpdates);
    }
}
