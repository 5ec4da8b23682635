package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load generator's response parser gives the same responses for every split of the bytes. */
class HttpResponseParserTest {
    private static final String RESPONSES = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello"
            + "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n";

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void everySplitGivesTheSameStatuses() {
        byte[] bytes = RESPONSES.getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= bytes.length; split++) {
            List<Integer> statuses = new ArrayList<>();
            HttpResponseParser parser = new HttpResponseParser(statuses::add);
            parser.feed(ByteBuffer.wrap(bytes, 0, split));
            parser.feed(ByteBuffer.wrap(bytes, split, bytes.length - split));
            assertEquals(List.of(200, 404, 200, 204), statuses, "split at " + split);
        }
        List<Integer> statuses = new ArrayList<>();
        HttpResponseParser parser = new HttpResponseParser(statuses::add);
        for (byte b : bytes) {
            parser.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        assertEquals(List.of(200, 404, 200, 204), statuses, "one byte at a time");
    }

    @Test
    void headerNamesMatchInAnyCaseAndValuesMayHaveBlanks() {
        List<Integer> statuses = new ArrayList<>();
        HttpResponseParser parser = new HttpResponseParser(statuses::add);
        parser.feed(ascii("HTTP/1.1 201 Created\r\nCONTENT-length:\t 3 \r\nContent-Lengthy: 99\r\n\r\nabc"
                + "HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: Chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
                + "HTTP/1.1 500 Oops\r\n\r\n"));
        assertEquals(List.of(201, 200, 500), statuses, "a header named Content-Lengthy is not Content-Length");
    }

    @Test
    void badFramingIsAnError() {
        for (String head : List.of("Content-Length: -1", "Content-Length: 1x", "Content-Length:  ",
                "Content-Length: 99999999999999999999", "No colon here")) {
            HttpResponseParser parser = new HttpResponseParser(s -> { });
            assertThrows(IllegalStateException.class, () -> parser.feed(ascii("HTTP/1.1 200 OK\r\n" + head + "\r\n\r\n")),
                    head);
        }
    }

    @Test
    void aLineLongerThanTheLimitIsAnErrorWhetherWholeOrSplit() {
        String longLine = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(HttpResponseParser.MAX_LINE) + "\r\n\r\n";
        HttpResponseParser whole = new HttpResponseParser(s -> { });
        assertThrows(IllegalStateException.class, () -> whole.feed(ascii(longLine)));

        HttpResponseParser split = new HttpResponseParser(s -> { });
        byte[] bytes = longLine.getBytes(StandardCharsets.US_ASCII);
        split.feed(ByteBuffer.wrap(bytes, 0, 100));
        assertThrows(IllegalStateException.class, () -> split.feed(ByteBuffer.wrap(bytes, 100, bytes.length - 100)));

        List<Integer> statuses = new ArrayList<>();
        HttpResponseParser longest = new HttpResponseParser(statuses::add);
        String fits = "X: " + "a".repeat(HttpResponseParser.MAX_LINE - 4);
        longest.feed(ascii("HTTP/1.1 200 OK\r\n" + fits + "\r\n\r\n"));
        assertEquals(List.of(200), statuses, "a line of " + HttpResponseParser.MAX_LINE + " bytes with its CR is accepted");
    }

    @Test
    void parsingAllocatesNothingPerResponse() {
        String response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
                + "Date: Tue, 01 Dec 2026 18:07:39 GMT\r\nServer: switchboard\r\n\r\nHello, World!";
        ByteBuffer sixteen = ByteBuffer.allocateDirect(16 * response.length());
        sixteen.put(ascii(response.repeat(16))).flip();
        int[] count = {0};
        HttpResponseParser parser = new HttpResponseParser(s -> count[0]++);
        parser.feed(sixteen.duplicate());
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            parser.feed(sixteen.duplicate());
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(16 * 1001, count[0]);
        // 1000 duplicates of the buffer are the test's own (about 64 bytes each); the parser adds nothing per
        // response, where one String per Content-Length would add over 16,000 * 48 bytes.
        assertTrue(allocated < 1000 * 100, allocated + " bytes allocated for 16,000 responses");
    }

    @Test
    void garbageIsAnError() {
        HttpResponseParser parser = new HttpResponseParser(s -> { });
        assertThrows(IllegalStateException.class,
                () -> parser.feed(ByteBuffer.wrap("SSH-2.0-OpenSSH\r\n".getBytes(StandardCharsets.US_ASCII))));
    }
}
