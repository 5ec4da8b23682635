package io.switchboard.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The floor's HTTP: counts the ends of request heads ({@code CRLF CRLF}) in what arrives and answers each
 * with one fixed plaintext response, pipelined requests with consecutive copies in one write. No parsing
 * beyond that: a body is not skipped (so only GET makes sense), and a connection whose bytes contain
 * {@code HTTP/1.0} is closed after its answers (an HTTP/1.0 client such as {@code ab} without {@code -k}).
 * The {@code Date} field is the start time, fixed. One per connection; selector thread only.
 */
final class FloorHttp implements FloorServer.Protocol {
    /** Responses kept encoded back to back; larger batches are written in several turns. */
    private static final int BATCH = 64;
    private static final byte[] END = {'\r', '\n', '\r', '\n'};
    private static final byte[] HTTP10 = "HTTP/1.0".getBytes(StandardCharsets.US_ASCII);

    private final SocketChannel channel;
    private final ByteBuffer responses;
    private final int responseLength;
    /** How many bytes of {@link #END} the previous read ended with. */
    private int matched;
    /** How many bytes of {@link #HTTP10} the previous read ended with. */
    private int http10Matched;
    private boolean closeAfter;
    /** Bytes of responses still to write. */
    private long owed;
    /** Bytes of the first owed response already written. */
    private int offset;

    /** @param responses {@link #responses()}, shared read-only by every connection */
    FloorHttp(SocketChannel channel, ByteBuffer responses, int responseLength) {
        this.channel = channel;
        this.responses = responses.duplicate();
        this.responseLength = responseLength;
    }

    /** The fixed response, {@code BATCH} times, in a direct buffer to share with {@code duplicate()}. */
    static ByteBuffer responses() {
        byte[] one = response();
        ByteBuffer all = ByteBuffer.allocateDirect(one.length * BATCH);
        for (int i = 0; i < BATCH; i++) {
            all.put(one);
        }
        return all.flip().asReadOnlyBuffer();
    }

    /** The one response the floor sends, like the other servers' plaintext answer. */
    static byte[] response() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        return ("HTTP/1.1 200 OK\r\nServer: F\r\nDate: " + date + "\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 13\r\n\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void ready(SelectionKey key, ByteBuffer read) throws IOException {
        if (key.isReadable()) {
            int n = channel.read(read);
            if (n < 0) {
                FloorServer.closeQuietly(key);
                return;
            }
            read.flip();
            owed += (long) count(read) * responseLength;
        }
        flush(key);
    }

    private int count(ByteBuffer in) {
        int requests = 0;
        for (int i = in.position(), end = in.limit(); i < end; i++) {
            byte b = in.get(i);
            matched = b == END[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == END.length) {
                requests++;
                matched = 0;
            }
            if (!closeAfter) {
                http10Matched = b == HTTP10[http10Matched] ? http10Matched + 1 : b == 'H' ? 1 : 0;
                closeAfter = http10Matched == HTTP10.length;
            }
        }
        return requests;
    }

    private void flush(SelectionKey key) throws IOException {
        while (owed > 0) {
            // owed + offset is a whole number of responses, so the range never crosses the buffer's end badly
            responses.limit((int) Math.min(responses.capacity(), offset + owed)).position(offset);
            int written = channel.write(responses);
            owed -= written;
            offset = (offset + written) % responseLength;
            if (written == 0) {
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
        }
        if (closeAfter) {
            FloorServer.closeQuietly(key);
            return;
        }
        if (key.interestOps() != SelectionKey.OP_READ) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }
}
