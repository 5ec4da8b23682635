package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.switchboard.bench.jmh.HpackBenchmark;
import io.switchboard.http2.hpack.HeaderBlock;
import io.switchboard.http2.hpack.HpackDecoder;
import io.switchboard.http2.hpack.HpackEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Switchboard's HPACK and Netty's understand each other: 400 random blocks (seeded) each way, with the table size
 * changed now and then, decode to the fields encoded. And the HPACK benchmark's setup, which checks the same on
 * its heads, passes for each of its parameters.
 */
class HpackInteropTest {
    private static final String[] NAMES = {":authority", ":path", "accept", "accept-encoding", "cache-control",
            "content-type", "content-length", "cookie", "set-cookie", "authorization", "date", "server", "etag",
            "user-agent", "x-request-id", "x-trace", "vary"};
    private static final int BLOCKS = 400;

    @Test
    void nettyDecodesSwitchboardsBlocks() throws Exception {
        Random random = new Random(17);
        HpackEncoder encoder = new HpackEncoder();
        DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
        decoder.configuration().maxHeaderListSize(1 << 20, 1 << 21);
        HeaderBlock out = new HeaderBlock();
        for (int i = 0; i < BLOCKS; i++) {
            if (random.nextInt(10) == 0) {
                long size = random.nextInt(3) == 0 ? 0 : random.nextInt(8192);
                encoder.setMaxTableSize((int) size);
                decoder.configuration().maxHeaderTableSize(size);
            }
            List<String[]> fields = fields(random);
            out.clear();
            encoder.startBlock(out);
            for (String[] f : fields) {
                encoder.field(out, f[0], f[1]);
            }
            Http2Headers decoded = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(out.toByteArray()));
            assertEquals(lines(fields), lines(decoded), "block " + i);
        }
    }

    @Test
    void switchboardDecodesNettysBlocks() throws Exception {
        Random random = new Random(18);
        DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
        HpackDecoder decoder = new HpackDecoder(1 << 20);
        ByteBuf out = Unpooled.buffer();
        try {
            for (int i = 0; i < BLOCKS; i++) {
                if (random.nextInt(10) == 0) {
                    long size = random.nextInt(3) == 0 ? 0 : random.nextInt(4096);
                    encoder.configuration().maxHeaderTableSize(size);
                    decoder.setMaxTableSize((int) size);
                }
                List<String[]> fields = fields(random);
                Http2Headers headers = new DefaultHttp2Headers(false);
                for (String[] f : fields) {
                    headers.add(f[0], f[1]);
                }
                encoder.encodeHeaders(1, headers, out.clear());
                byte[] block = new byte[out.readableBytes()];
                out.getBytes(0, block);
                List<String> decoded = new ArrayList<>();
                decoder.decode(block, 0, block.length, (n, v) -> decoded.add(n + ": " + v));
                assertEquals(lines(headers), decoded, "block " + i);
            }
        } finally {
            out.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"repeat", "first"})
    void theBenchmarksSetupChecksPass(String block) {
        HpackBenchmark benchmark = new HpackBenchmark();
        benchmark.block = block;
        assertDoesNotThrow(benchmark::setup);
        benchmark.tearDown();
    }

    /** Up to 12 fields, pseudo-fields first; values of visible ASCII, sometimes with octets past 0x7F. */
    private static List<String[]> fields(Random random) {
        List<String[]> fields = new ArrayList<>();
        int n = random.nextInt(13);
        for (int i = 0; i < n; i++) {
            String name = random.nextInt(5) == 0 ? "x-f" + random.nextInt(50) : NAMES[random.nextInt(NAMES.length)];
            if (name.startsWith(":") && fields.stream().anyMatch(f -> !f[0].startsWith(":"))) {
                name = "x-late";
            }
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(4) == 0 ? random.nextInt(300) : random.nextInt(30);
            for (int j = 0; j < length; j++) {
                value.append(random.nextInt(8) == 0 ? (char) (0x80 + random.nextInt(0x80)) : (char) (' ' + random.nextInt(95)));
            }
            fields.add(new String[] {name, value.toString()});
        }
        return fields;
    }

    private static List<String> lines(List<String[]> fields) {
        List<String> lines = new ArrayList<>();
        for (String[] f : fields) {
            lines.add(f[0] + ": " + f[1]);
        }
        return lines;
    }

    private static List<String> lines(Http2Headers headers) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            lines.add(e.getKey() + ": " + e.getValue());
        }
        return lines;
    }
}
