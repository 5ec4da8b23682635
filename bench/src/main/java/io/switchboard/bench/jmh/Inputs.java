package io.switchboard.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic inputs shared by the codec benchmarks. */
final class Inputs {
    private Inputs() {
    }

    /**
     * {@code count} ASCII lines of 8 to 64 characters; every third ends with CRLF, the others with LF. The
     * buffer ends with a line ending, so no bytes are left over between invocations.
     */
    static byte[] lines(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(count * 40);
        for (int i = 0; i < count; i++) {
            int length = 8 + random.nextInt(57);
            for (int j = 0; j < length; j++) {
                text.append((char) (' ' + 1 + random.nextInt(94)));
            }
            text.append(i % 3 == 0 ? "\r\n" : "\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code count} frames, each a 4-byte big-endian length and {@code payload} random bytes. */
    static byte[] frames(int count, int payload, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer all = ByteBuffer.allocate(count * (4 + payload));
        byte[] body = new byte[payload];
        for (int i = 0; i < count; i++) {
            random.nextBytes(body);
            all.putInt(payload).put(body);
        }
        return all.array();
    }

    /**
     * The bytes as the reads that deliver them: one read of everything when {@code reads} is {@code "whole"},
     * otherwise reads of that many bytes (the last one shorter). Each read is an array of its own, so both
     * sides wrap a whole array, with no offset or slice.
     */
    static byte[][] split(byte[] input, String reads) {
        if (reads.equals("whole")) {
            return new byte[][] {input};
        }
        int size = Integer.parseInt(reads);
        byte[][] chunks = new byte[(input.length + size - 1) / size][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = Arrays.copyOfRange(input, i * size, Math.min(input.length, (i + 1) * size));
        }
        return chunks;
    }

    /**
     * Fails the benchmark's setup unless {@code actual} equals {@code expected}, so that a benchmark never
     * measures a decoder that decodes something else.
     */
    static <T> void requireSame(String decoder, List<T> expected, List<T> actual) {
        if (!expected.equals(actual)) {
            int i = 0;
            while (i < Math.min(expected.size(), actual.size()) && expected.get(i).equals(actual.get(i))) {
                i++;
            }
            throw new IllegalStateException(decoder + " decoded " + actual.size() + " messages, expected "
                    + expected.size() + "; first difference at message " + i);
        }
    }
}
