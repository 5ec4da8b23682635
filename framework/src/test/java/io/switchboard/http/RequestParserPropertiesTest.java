package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Random valid requests, cut at random points, always decode to the same requests. */
class RequestParserPropertiesTest {

    record Field(String name, String value) {
    }

    record Request(String method, String target, List<Field> fields, byte[] body, boolean chunked, List<Integer> chunkSizes) {
        byte[] encode() {
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: example\r\n");
            for (Field f : fields) {
                head.append(f.name).append(':').append(" ").append(f.value).append("\r\n");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (chunked) {
                head.append("Transfer-Encoding: chunked\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                int at = 0;
                for (int size : chunkSizes) {
                    int n = Math.min(size, body.length - at);
                    if (n <= 0) {
                        break;
                    }
                    out.writeBytes((Integer.toHexString(n) + (n % 2 == 0 ? ";ext=v" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, n);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                    at += n;
                }
                if (at < body.length) {
                    out.writeBytes((Integer.toHexString(body.length - at) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, body.length - at);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
            }
            return out.toByteArray();
        }
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "X-CUSTOM");
        Arbitrary<String> segment = Arbitraries.strings().withChars("abcXYZ019-._~%!$&'()*+,;=:@").ofMinLength(0).ofMaxLength(12);
        Arbitrary<String> target = segment.list().ofMinSize(1).ofMaxSize(4).map(s -> "/" + String.join("/", s))
                .flatMap(path -> Arbitraries.strings().withChars("abc=&+%20").ofMaxLength(10)
                        .map(q -> q.isEmpty() ? path : path + "?" + q));
        Arbitrary<String> name = Arbitraries.strings().withChars("abcdefXYZ-_!#$%&'*+.^`|~0123456789").ofMinLength(1).ofMaxLength(16)
                .filter(n -> !n.equalsIgnoreCase("host") && !n.equalsIgnoreCase("content-length")
                        && !n.equalsIgnoreCase("transfer-encoding") && !n.equalsIgnoreCase("connection")
                        && !n.equalsIgnoreCase("expect"));
        Arbitrary<String> value = Arbitraries.strings().withCharRange(' ', '~').withChars('\t', '\u00e9', '\u00ff').ofMaxLength(40)
                .map(String::strip).map(v -> v.replace("\t", "x"));
        Arbitrary<List<Field>> fields = Combinators.combine(name, value).as(Field::new).list().ofMaxSize(8);
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<List<Integer>> chunkSizes = Arbitraries.integers().between(1, 64).list().ofMaxSize(6);
        return Combinators.combine(method, target, fields, body, Arbitraries.of(true, false), chunkSizes).as(Request::new);
    }

    @Property(tries = 300)
    void anySplitDecodesTheSameRequests(@ForAll @Size(min = 1, max = 4) List<@net.jqwik.api.From("requests") Request> requests,
                                        @ForAll @Size(max = 12) List<@net.jqwik.api.constraints.IntRange(min = 0, max = 100_000) Integer> cuts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Request r : requests) {
            all.writeBytes(r.encode());
        }
        byte[] input = all.toByteArray();
        TreeSet<Integer> points = new TreeSet<>();
        for (int cut : cuts) {
            points.add(cut % (input.length + 1));
        }
        List<HttpRequest> seen = new ArrayList<>();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService((req, res) -> {
            seen.add(req);
            res.send(HttpResponse.of(204));
        }));
        int at = 0;
        for (int point : points) {
            c.feed(input, at, point - at);
            at = point;
        }
        c.feed(input, at, input.length - at);

        assertEquals(requests.size(), seen.size(), () -> "decoded " + seen);
        for (int i = 0; i < requests.size(); i++) {
            Request want = requests.get(i);
            HttpRequest got = seen.get(i);
            assertEquals(want.method, got.method());
            assertEquals(want.target, got.target());
            assertArrayEquals(want.body, got.body());
            for (Field f : want.fields) {
                List<String> values = got.headers().getAll(f.name);
                assertEquals(true, values.contains(f.value), () -> f + " missing from " + got.headers());
            }
        }
        assertEquals(requests.size(), Responses.parse(c.takeWritten()).size());
    }
}
