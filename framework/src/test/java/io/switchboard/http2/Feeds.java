package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Feeds one input to fresh readers in every way a socket could cut it: whole, in two pieces at every split
 * point, in three pieces at every pair of points (inputs up to {@link #THREE_WAY_LIMIT} bytes), and one byte at a
 * time. Each piece is a buffer that starts inside a larger array (so absolute indexes are tested) and is
 * overwritten as soon as the reader returns (so a reader that keeps a borrowed buffer reads garbage).
 */
final class Feeds {
    static final int THREE_WAY_LIMIT = 160;

    private Feeds() {
    }

    /** A fresh reader and its recorder. */
    record Fed(Http2FrameReader reader, Recorder recorder) {
    }

    /**
     * Runs {@code check} after each way of feeding {@code input} to a fresh reader, and checks that the reader
     * keeps nothing once the input ended on a frame boundary.
     */
    static void check(byte[] input, boolean server, Http2Config config, Consumer<Recorder> check) {
        run("whole", input, server, config, new int[0], check);
        for (int at = 1; at < input.length; at++) {
            run("split at " + at, input, server, config, new int[] {at}, check);
        }
        if (input.length <= THREE_WAY_LIMIT) {
            for (int a = 1; a < input.length; a++) {
                for (int b = a + 1; b < input.length; b++) {
                    run("split at " + a + " and " + b, input, server, config, new int[] {a, b}, check);
                }
            }
        }
        int[] every = new int[Math.max(0, input.length - 1)];
        Arrays.setAll(every, i -> i + 1);
        run("one byte at a time", input, server, config, every, check);
    }

    static Fed feed(byte[] input, boolean server, Http2Config config, int... cuts) {
        Recorder r = new Recorder();
        Http2FrameReader reader = new Http2FrameReader(server, config, r);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : input.length;
            piece(reader, input, from, to);
            from = to;
        }
        return new Fed(reader, r);
    }

    /** Feeds {@code input[from, to)} as a buffer inside a larger array, then overwrites that array. */
    static void piece(Http2FrameReader reader, byte[] input, int from, int to) {
        byte[] room = new byte[to - from + 7];
        Arrays.fill(room, (byte) 0x5A);
        System.arraycopy(input, from, room, 3, to - from);
        ByteBuffer b = ByteBuffer.wrap(room, 3, to - from);
        reader.read(b);
        assertEquals(3 + to - from, b.position(), "the reader consumes all it is given");
        Arrays.fill(room, (byte) 0xA5);
    }

    private static void run(String how, byte[] input, boolean server, Http2Config config, int[] cuts, Consumer<Recorder> check) {
        try {
            Fed fed = feed(input, server, config, cuts);
            check.accept(fed.recorder());
            assertEquals(0, fed.reader().keptBytes(), "nothing is kept after the last frame");
        } catch (AssertionError e) {
            throw new AssertionError("input fed " + how + ": " + e.getMessage(), e);
        }
    }
}
