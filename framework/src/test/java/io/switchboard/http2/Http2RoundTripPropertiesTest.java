package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * What the writer writes, the reader reads back the same, whatever the frames, the peer's frame size and the points
 * where the bytes are cut: random frames of every type written by a client's writer are fed to a server's reader in
 * random pieces. DATA and field blocks larger than the frame size come back in as many frames as they need, and
 * whole once put together.
 */
class Http2RoundTripPropertiesTest {
    /** One call to the writer; {@code stream} is replaced by a fresh odd id for DATA and HEADERS. */
    sealed interface Op permits Data, Headers, Settings, Ping, GoAway, WindowUpdate, Rst, Priority {
    }

    record Data(byte[] bytes, boolean end) implements Op {
    }

    record Headers(byte[] block, boolean end) implements Op {
    }

    record Settings(Http2Settings settings) implements Op {
    }

    record Ping(long payload, boolean ack) implements Op {
    }

    record GoAway(int lastStreamId, Http2Error error, byte[] debug) implements Op {
    }

    record WindowUpdate(int streamId, int increment) implements Op {
    }

    record Rst(int streamId, Http2Error error) implements Op {
    }

    record Priority(int streamId, int dependency, int weight, boolean exclusive) implements Op {
    }

    @Property(tries = 300)
    void whatIsWrittenIsReadBack(@ForAll("ops") @Size(min = 1, max = 12) List<Op> ops,
                                 @ForAll @IntRange(min = Http2Settings.MIN_FRAME_SIZE, max = 40_000) int frameSize,
                                 @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 30_000) Integer> pieces) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Http2FrameWriter writer = new Http2FrameWriter(b -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            wire.writeBytes(copy);
        });
        writer.maxFrameSize(frameSize);
        writer.preface();
        writer.settings(Http2Settings.DEFAULTS);
        List<String> expected = new ArrayList<>();
        int[] frameCounts = new int[2];
        int stream = 1;
        for (Op op : ops) {
            if (op instanceof Data d) {
                writer.data(stream, ByteBuffer.wrap(d.bytes()), d.end());
                expected.add("DATA " + stream + " end=" + d.end() + " " + hex(d.bytes()));
                frameCounts[0] += Math.max(1, (d.bytes().length + frameSize - 1) / frameSize);
                stream += 2;
            } else if (op instanceof Headers h) {
                writer.headers(stream, ByteBuffer.wrap(h.block()), h.end());
                expected.add("BLOCK " + stream + " end=" + h.end() + " " + hex(h.block()));
                frameCounts[1] += Math.max(1, (h.block().length + frameSize - 1) / frameSize);
                stream += 2;
            } else if (op instanceof Settings s) {
                writer.settings(s.settings());
                expected.add("SETTINGS " + s.settings());
            } else if (op instanceof Ping p) {
                if (p.ack()) {
                    writer.pingAck(p.payload());
                } else {
                    writer.ping(p.payload());
                }
                expected.add("PING " + Long.toHexString(p.payload()) + " ack=" + p.ack());
            } else if (op instanceof GoAway g) {
                writer.goAway(g.lastStreamId(), g.error(), ByteBuffer.wrap(g.debug()));
                expected.add("GOAWAY last=" + g.lastStreamId() + " code=" + g.error().code() + " '"
                        + new String(g.debug(), java.nio.charset.StandardCharsets.ISO_8859_1) + "'");
            } else if (op instanceof WindowUpdate w) {
                writer.windowUpdate(w.streamId(), w.increment());
                expected.add("WINDOW_UPDATE " + w.streamId() + " +" + w.increment());
            } else if (op instanceof Rst r) {
                writer.rstStream(r.streamId(), r.error());
                expected.add("RST_STREAM " + r.streamId() + " code=" + r.error().code());
            } else if (op instanceof Priority p) {
                writer.priority(p.streamId(), p.dependency(), p.weight(), p.exclusive());
                expected.add("PRIORITY " + p.streamId() + " dep=" + p.dependency() + " weight=" + p.weight()
                        + " exclusive=" + p.exclusive());
            }
        }
        byte[] input = wire.toByteArray();

        Http2Config config = Http2Config.DEFAULTS
                .withSettings(Http2Settings.DEFAULTS.with(Http2Settings.MAX_FRAME_SIZE, frameSize))
                .withHeaderBlockLimits(1 << 20, 100);
        Assembler assembler = new Assembler();
        Http2FrameReader reader = new Http2FrameReader(true, config, assembler);
        int at = 0;
        for (int i = 0; at < input.length; i++) {
            int end = Math.min(input.length, at + pieces.get(i % pieces.size()));
            Feeds.piece(reader, input, at, end);
            at = end;
        }
        assertEquals(expected, assembler.events.subList(1, assembler.events.size()));
        assertEquals(frameCounts[0], assembler.dataFrames, "DATA frames of at most " + frameSize + " bytes");
        assertEquals(frameCounts[1], assembler.blockFrames, "HEADERS and CONTINUATION frames of at most " + frameSize + " bytes");
        assertEquals(0, reader.keptBytes());
    }

    /** Puts DATA frames of a stream, and each field block, back together. */
    static final class Assembler extends Recorder {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int pendingStream;
        boolean blockEnd;
        int dataFrames;
        int blockFrames;

        @Override
        public void onData(int streamId, ByteBuffer data, int padding, boolean endStream) {
            dataFrames++;
            String last = events.isEmpty() ? "" : events.get(events.size() - 1);
            byte[] bytes = bytes(data);
            if (last.startsWith("DATA " + streamId + " end=false ")) {
                events.set(events.size() - 1, "DATA " + streamId + " end=" + endStream + " "
                        + last.substring(("DATA " + streamId + " end=false ").length()) + hex(bytes));
            } else {
                events.add("DATA " + streamId + " end=" + endStream + " " + hex(bytes));
            }
        }

        @Override
        public void onHeaders(int streamId, ByteBuffer fragment, boolean endStream, boolean endHeaders) {
            blockFrames++;
            pendingStream = streamId;
            blockEnd = endStream;
            pending.reset();
            pending.writeBytes(bytes(fragment));
            if (endHeaders) {
                blockDone();
            }
        }

        @Override
        public void onContinuation(int streamId, ByteBuffer fragment, boolean endHeaders) {
            blockFrames++;
            assertEquals(pendingStream, streamId);
            pending.writeBytes(bytes(fragment));
            if (endHeaders) {
                blockDone();
            }
        }

        private void blockDone() {
            events.add("BLOCK " + pendingStream + " end=" + blockEnd + " " + hex(pending.toByteArray()));
        }

        @Override
        public void onSettings(Http2Settings s) {
            events.add("SETTINGS " + s);
        }

        @Override
        public void onPing(long payload, boolean ack) {
            events.add("PING " + Long.toHexString(payload) + " ack=" + ack);
        }

        @Override
        public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
            events.add("GOAWAY last=" + lastStreamId + " code=" + errorCode + " '" + text(debugData) + "'");
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            events.add("WINDOW_UPDATE " + streamId + " +" + increment);
        }

        @Override
        public void onRstStream(int streamId, int errorCode) {
            events.add("RST_STREAM " + streamId + " code=" + errorCode);
        }

        @Override
        public void onPriority(int streamId, int dependency, int weight, boolean exclusive) {
            events.add("PRIORITY " + streamId + " dep=" + dependency + " weight=" + weight + " exclusive=" + exclusive);
        }

        @Override
        public void onStreamError(Http2Exception error) {
            events.add("STREAM_ERROR " + error);
        }

        private static byte[] bytes(ByteBuffer b) {
            byte[] copy = new byte[b.remaining()];
            b.duplicate().get(copy);
            return copy;
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> streamIds = Arbitraries.integers().between(1, Integer.MAX_VALUE);
        Arbitrary<Http2Error> errors = Arbitraries.of(Http2Error.class);
        Arbitrary<Op> data = Combinators.combine(sizes(50_000),
                Arbitraries.longs(), Arbitraries.of(true, false))
                .as((n, seed, end) -> new Data(random(n, seed), end));
        Arbitrary<Op> headers = Combinators.combine(sizes(60_000),
                Arbitraries.longs(), Arbitraries.of(true, false))
                .as((n, seed, end) -> new Headers(random(n, seed), end));
        Arbitrary<Op> settings = Arbitraries.integers().between(1, 6).list().ofMaxSize(6)
                .flatMap(ids -> Combinators.combine(Arbitraries.just(ids), Arbitraries.longs().between(0, Http2Settings.UNLIMITED)
                        .list().ofSize(ids.size())).as((i, v) -> {
                            Http2Settings s = Http2Settings.DEFAULTS;
                            for (int k = 0; k < i.size(); k++) {
                                s = s.with(i.get(k), inRange(i.get(k), v.get(k)));
                            }
                            return new Settings(s);
                        }));
        Arbitrary<Op> ping = Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false)).as(Ping::new);
        Arbitrary<Op> goAway = Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE), errors,
                Arbitraries.strings().ascii().ofMaxLength(60)).as((last, e, debug) -> new GoAway(last, e, Wire.ascii(debug)));
        Arbitrary<Op> windowUpdate = Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(1, Integer.MAX_VALUE)).as(WindowUpdate::new);
        Arbitrary<Op> rst = Combinators.combine(streamIds, errors).as(Rst::new);
        Arbitrary<Priority> priority = Combinators.combine(streamIds, Arbitraries.integers().between(0, Integer.MAX_VALUE),
                        Arbitraries.integers().between(1, 256), Arbitraries.of(true, false))
                .as(Priority::new).filter(p -> p.streamId() != p.dependency());
        return Arbitraries.oneOf(data, headers, settings, ping, goAway, windowUpdate, rst, priority).list();
    }

    /** Small sizes, sizes around the smallest frame size and its multiples, and any size up to {@code max}. */
    private static Arbitrary<Integer> sizes(int max) {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 64),
                Arbitraries.of(16_383, 16_384, 16_385, 32_768, 32_769, 40_000),
                Arbitraries.integers().between(0, max));
    }

    /** Maps a random value into the range of setting {@code id}. */
    private static long inRange(int id, long v) {
        return switch (id) {
            case Http2Settings.ENABLE_PUSH -> v & 1;
            case Http2Settings.INITIAL_WINDOW_SIZE -> v & Integer.MAX_VALUE;
            case Http2Settings.MAX_FRAME_SIZE -> Http2Settings.MIN_FRAME_SIZE
                    + v % (Http2Settings.MAX_FRAME_SIZE_LIMIT - Http2Settings.MIN_FRAME_SIZE + 1);
            default -> v;
        };
    }
}
