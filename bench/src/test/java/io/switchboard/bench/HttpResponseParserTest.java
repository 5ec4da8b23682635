package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void garbageIsAnError() {
        HttpResponseParser parser = new HttpResponseParser(s -> { });
        assertThrows(IllegalStateException.class,
                () -> parser.feed(ByteBuffer.wrap("SSH-2.0-OpenSSH\r\n".getBytes(StandardCharsets.US_ASCII))));
    }
}
