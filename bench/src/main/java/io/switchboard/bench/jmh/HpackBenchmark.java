package io.switchboard.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.switchboard.http.HttpHeaders;
import io.switchboard.http2.hpack.HeaderBlock;
import io.switchboard.http2.hpack.HpackDecoder;
import io.switchboard.http2.hpack.HpackEncoder;
import io.switchboard.http2.hpack.HpackException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HPACK: encoding and decoding a browser's request head (9 fields, a 32-character cookie) and a server's
 * response head ({@code :status 200}, content-type, content-length, date, server), Switchboard's
 * {@link HpackEncoder} and {@link HpackDecoder} against Netty's {@link DefaultHttp2HeadersEncoder} and
 * {@link DefaultHttp2HeadersDecoder}. Scores are per head.
 *
 * <p>{@code block=repeat} is a connection's steady state: the same head again, with the dynamic tables warm (the
 * encoders write indices, the decoders look them up); {@code block=first} is a head on a new connection: a new
 * encoder or decoder each time, every field a literal, its strings Huffman-coded.
 *
 * <p>Both decoders decode the same bytes, Switchboard's encoder's output (setup checks that each side decodes
 * the other's blocks to the same fields), into a new header object per head: Switchboard's sink adds to an
 * {@link HttpHeaders}, Netty builds its {@code DefaultHttp2Headers}. Netty's decoder runs without its header
 * validation, as Switchboard leaves that to the connection. Netty's output buffer is reused as
 * Switchboard's {@link HeaderBlock} is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HpackBenchmark {
    private static final String[][] REQUEST = {
            {":method", "GET"},
            {":scheme", "https"},
            {":authority", "www.example.com"},
            {":path", "/api/items?page=2"},
            {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
            {"accept", "application/json, text/plain, */*"},
            {"accept-encoding", "gzip, deflate, br"},
            {"accept-language", "en-US,en;q=0.9"},
            {"cookie", "session=4f6b2a9c1d8e7f30a5b6c7d8e9f00112"},
    };
    private static final String CONTENT_TYPE = "application/json";
    private static final long CONTENT_LENGTH = 1234;
    private static final String DATE = "Wed, 02 Dec 2026 17:00:00 GMT";
    private static final String SERVER = "switchboard";
    private static final int MAX_HEADER_LIST = 16_384;

    /** {@code first}: new tables for each head; {@code repeat}: the same head again on warm tables. */
    @Param({"repeat", "first"})
    public String block;

    private boolean first;
    private HpackEncoder encoder;
    private HpackDecoder decoder;
    private final HeaderBlock out = new HeaderBlock();
    private DefaultHttp2HeadersEncoder nettyEncoder;
    private DefaultHttp2HeadersDecoder nettyDecoder;
    private ByteBuf nettyOut;
    private Http2Headers nettyRequest;
    private Http2Headers nettyResponse;
    /** The blocks the decoders decode: Switchboard's encoder's first or second head. */
    private byte[] requestBlock;
    private byte[] responseBlock;
    private ByteBuf nettyRequestBlock;
    private ByteBuf nettyResponseBlock;

    /**
     * Builds the heads and the blocks to decode, warms the tables for {@code repeat}, and checks that each
     * implementation decodes the other's blocks to the same fields.
     */
    @Setup
    public void setup() throws Exception {
        first = block.equals("first");
        nettyRequest = new DefaultHttp2Headers();
        for (String[] f : REQUEST) {
            nettyRequest.add(f[0], f[1]);
        }
        nettyResponse = new DefaultHttp2Headers().status("200").add("content-type", CONTENT_TYPE)
                .add("content-length", Long.toString(CONTENT_LENGTH)).add("date", DATE).add("server", SERVER);
        nettyOut = Unpooled.buffer(512);

        // One encoder's blocks, in the order a decoder must read them: a request and a response head, then the
        // same again, which are only indices and literals without indexing, so decoding them again and again
        // leaves the table as it is. For block=first, each head from a new encoder.
        HpackEncoder source = new HpackEncoder();
        byte[] firstRequest = copy(encodeRequest(source, new HeaderBlock()));
        byte[] firstResponse = copy(encodeResponse(source, new HeaderBlock()));
        byte[] secondRequest = copy(encodeRequest(source, new HeaderBlock()));
        byte[] secondResponse = copy(encodeResponse(source, new HeaderBlock()));
        requestBlock = first ? firstRequest : secondRequest;
        responseBlock = first ? copy(encodeResponse(new HpackEncoder(), new HeaderBlock())) : secondResponse;
        nettyRequestBlock = Unpooled.wrappedBuffer(requestBlock);
        nettyResponseBlock = Unpooled.wrappedBuffer(responseBlock);

        encoder = new HpackEncoder();
        decoder = new HpackDecoder(MAX_HEADER_LIST);
        nettyEncoder = new DefaultHttp2HeadersEncoder();
        nettyDecoder = new DefaultHttp2HeadersDecoder(false);
        List<String> request = fields(REQUEST);
        List<String> response = List.of(":status: 200", "content-type: " + CONTENT_TYPE, "content-length: " + CONTENT_LENGTH,
                "date: " + DATE, "server: " + SERVER);
        if (!first) {
            // Warm every table: decoders read the first blocks, encoders write their first heads.
            Inputs.requireSame("HpackDecoder", request, fields(decodeWith(decoder, firstRequest)));
            Inputs.requireSame("HpackDecoder", response, fields(decodeWith(decoder, firstResponse)));
            Inputs.requireSame("DefaultHttp2HeadersDecoder", request, fields(nettyDecoder.decodeHeaders(1, Unpooled.wrappedBuffer(firstRequest))));
            Inputs.requireSame("DefaultHttp2HeadersDecoder", response, fields(nettyDecoder.decodeHeaders(3, Unpooled.wrappedBuffer(firstResponse))));
            encodeRequest(encoder, out);
            encodeResponse(encoder, out);
            nettyEncoder.encodeHeaders(1, nettyRequest, nettyOut.clear());
            nettyEncoder.encodeHeaders(3, nettyResponse, nettyOut.clear());
        }
        // Each side decodes the other's blocks to the same fields (twice: a repeated block leaves the table as it was).
        for (int i = 0; i < 2; i++) {
            Inputs.requireSame("HpackDecoder", request, fields(switchboardDecodeRequest()));
            Inputs.requireSame("HpackDecoder", response, fields(switchboardDecodeResponse()));
            Inputs.requireSame("DefaultHttp2HeadersDecoder", request, fields(nettyDecodeRequest()));
            Inputs.requireSame("DefaultHttp2HeadersDecoder", response, fields(nettyDecodeResponse()));
        }
        // And on fresh tables, each decodes the other's encoder's blocks, first and repeated.
        HpackDecoder check = new HpackDecoder(MAX_HEADER_LIST);
        DefaultHttp2HeadersEncoder nettyCheckEncoder = new DefaultHttp2HeadersEncoder();
        DefaultHttp2HeadersDecoder nettyCheck = new DefaultHttp2HeadersDecoder(true);
        HpackEncoder checkEncoder = new HpackEncoder();
        HeaderBlock checkOut = new HeaderBlock();
        for (int i = 0; i < 2; i++) {
            nettyCheckEncoder.encodeHeaders(1, nettyRequest, nettyOut.clear());
            Inputs.requireSame("HpackDecoder on Netty's block", request, fields(decodeWith(check, copy(nettyOut))));
            Inputs.requireSame("DefaultHttp2HeadersDecoder on Switchboard's block", response,
                    fields(nettyCheck.decodeHeaders(3, Unpooled.wrappedBuffer(copy(encodeResponse(checkEncoder, checkOut))))));
        }
    }

    /** Releases Netty's buffers. */
    @TearDown
    public void tearDown() {
        nettyOut.release();
        nettyRequestBlock.release();
        nettyResponseBlock.release();
    }

    /** Switchboard: a request head into a header block. */
    @Benchmark
    public HeaderBlock switchboardEncodeRequest() {
        return encodeRequest(first ? new HpackEncoder() : encoder, out);
    }

    /** Switchboard: a response head into a header block. */
    @Benchmark
    public HeaderBlock switchboardEncodeResponse() {
        return encodeResponse(first ? new HpackEncoder() : encoder, out);
    }

    /** Switchboard: a request block into new {@code HttpHeaders}. */
    @Benchmark
    public HttpHeaders switchboardDecodeRequest() throws HpackException {
        return decodeWith(first ? new HpackDecoder(MAX_HEADER_LIST) : decoder, requestBlock);
    }

    /** Switchboard: a response block into new {@code HttpHeaders}. */
    @Benchmark
    public HttpHeaders switchboardDecodeResponse() throws HpackException {
        return decodeWith(first ? new HpackDecoder(MAX_HEADER_LIST) : decoder, responseBlock);
    }

    /** Netty: a request head into a reused {@code ByteBuf}. */
    @Benchmark
    public ByteBuf nettyEncodeRequest() throws Http2Exception {
        (first ? new DefaultHttp2HeadersEncoder() : nettyEncoder).encodeHeaders(1, nettyRequest, nettyOut.clear());
        return nettyOut;
    }

    /** Netty: a response head into a reused {@code ByteBuf}. */
    @Benchmark
    public ByteBuf nettyEncodeResponse() throws Http2Exception {
        (first ? new DefaultHttp2HeadersEncoder() : nettyEncoder).encodeHeaders(1, nettyResponse, nettyOut.clear());
        return nettyOut;
    }

    /** Netty: a request block into new {@code DefaultHttp2Headers}. */
    @Benchmark
    public Http2Headers nettyDecodeRequest() throws Http2Exception {
        return (first ? new DefaultHttp2HeadersDecoder(false) : nettyDecoder).decodeHeaders(1, nettyRequestBlock.readerIndex(0));
    }

    /** Netty: a response block into new {@code DefaultHttp2Headers}. */
    @Benchmark
    public Http2Headers nettyDecodeResponse() throws Http2Exception {
        return (first ? new DefaultHttp2HeadersDecoder(false) : nettyDecoder).decodeHeaders(1, nettyResponseBlock.readerIndex(0));
    }

    private static HeaderBlock encodeRequest(HpackEncoder encoder, HeaderBlock out) {
        out.clear();
        encoder.startBlock(out);
        for (String[] f : REQUEST) {
            encoder.field(out, f[0], f[1]);
        }
        return out;
    }

    private static HeaderBlock encodeResponse(HpackEncoder encoder, HeaderBlock out) {
        out.clear();
        encoder.startBlock(out);
        encoder.status(out, 200);
        encoder.field(out, "content-type", CONTENT_TYPE);
        encoder.contentLength(out, CONTENT_LENGTH);
        encoder.field(out, "date", DATE);
        encoder.field(out, "server", SERVER);
        return out;
    }

    private static HttpHeaders decodeWith(HpackDecoder decoder, byte[] block) throws HpackException {
        HttpHeaders headers = new HttpHeaders();
        decoder.decode(block, 0, block.length, headers::add);
        return headers;
    }

    private static byte[] copy(HeaderBlock out) {
        return out.toByteArray();
    }

    private static byte[] copy(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    private static List<String> fields(String[][] fields) {
        List<String> list = new ArrayList<>();
        for (String[] f : fields) {
            list.add(f[0] + ": " + f[1]);
        }
        return list;
    }

    private static List<String> fields(HttpHeaders headers) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            list.add(headers.name(i) + ": " + headers.value(i));
        }
        return list;
    }

    private static List<String> fields(Http2Headers headers) {
        List<String> list = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            list.add(e.getKey() + ": " + e.getValue());
        }
        return list;
    }
}
