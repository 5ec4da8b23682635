package io.switchboard.http2;

import io.switchboard.http2.hpack.HeaderBlock;
import io.switchboard.http2.hpack.HpackEncoder;
import io.switchboard.pipeline.Connection;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The sending side of an {@link Http2ClientHandler}: encodes each request's head into HEADERS (and CONTINUATION)
 * frames, and sends request bodies as DATA within the server's connection and stream windows, a stream at most
 * 64 KiB per turn so that one large body does not hold back the others, and only while the connection is under its
 * outbound high watermark. Loop thread only; one per connection.
 */
final class Http2ClientSender {
    /** The most of one body sent before the next stream's turn. */
    private static final int TURN = 64 * 1024;

    private final Http2FrameWriter writer;
    private final Connection connection;
    private final String scheme;
    private final String authority;
    private final HpackEncoder encoder = new HpackEncoder();
    private final HeaderBlock block = new HeaderBlock();
    /** Streams whose bodies wait for their turn or for a window. */
    private final ArrayDeque<Http2ClientStream> sending = new ArrayDeque<>();
    /** The server's connection window for our DATA. */
    private int window = 65_535;

    Http2ClientSender(Http2FrameWriter writer, Connection connection, boolean tls, String authority) {
        this.writer = writer;
        this.connection = connection;
        this.scheme = tls ? "https" : "http";
        this.authority = authority;
    }

    /** Applies the server's {@code SETTINGS_HEADER_TABLE_SIZE}. */
    void peerTableSize(int size) {
        encoder.setMaxTableSize(size);
    }

    /**
     * {@return the request's header list size as the server counts it (RFC 9113 section 6.5.2): names, values and
     * 32 bytes a field, the four pseudo-fields and the {@code content-length} this side adds included}
     */
    long headerListSize(Http2Request r) {
        long size = 4 * 32 + ":method".length() + r.method().length() + ":scheme".length() + scheme.length()
                + ":authority".length() + (r.authority() != null ? r.authority() : authority).length()
                + ":path".length() + r.path().length();
        List<String> h = r.headers();
        for (int i = 0; i < h.size(); i += 2) {
            size += 32 + h.get(i).length() + h.get(i + 1).length();
        }
        if (r.bodyLength() > 0 && !r.hasContentLength()) {
            size += 32 + "content-length".length() + 10;
        }
        return size;
    }

    /** Sends the head of an opened stream, and its body as the windows allow. */
    void request(Http2ClientStream s) {
        Http2Request r = s.request;
        byte[] body = r.bodyBytes();
        block.clear();
        encoder.startBlock(block);
        encoder.field(block, ":method", r.method());
        encoder.field(block, ":scheme", scheme);
        encoder.field(block, ":authority", r.authority() != null ? r.authority() : authority);
        encoder.field(block, ":path", r.path());
        List<String> h = r.headers();
        for (int i = 0; i < h.size(); i += 2) {
            encoder.field(block, h.get(i), h.get(i + 1));
        }
        if (body.length > 0 && !r.hasContentLength()) {
            encoder.contentLength(block, body.length);
        }
        writer.headers(s.id, ByteBuffer.wrap(block.array(), 0, block.length()), body.length == 0);
        if (body.length == 0) {
            s.localEnded = true;
        } else {
            s.pending = ByteBuffer.wrap(body);
            queue(s);
            send();
        }
    }

    /** Opens the connection window by a WINDOW_UPDATE's increment. {@return false past 2^31-1} */
    boolean openWindow(int increment) {
        if ((long) window + increment > Http2Settings.MAX_WINDOW_SIZE) {
            return false;
        }
        window += increment;
        return true;
    }

    /** Queues a stream whose body waits, unless it is queued already or has nothing left to send. */
    void queue(Http2ClientStream s) {
        if (s.pending != null && !s.queued) {
            s.queued = true;
            sending.add(s);
        }
    }

    /** Sends what the windows allow of the bodies waiting, in turns, while the connection is writable. */
    void send() {
        while (!sending.isEmpty() && window > 0 && connection.isWritable()) {
            Http2ClientStream s = sending.poll();
            s.queued = false;
            if (s.isDone() || s.pending == null || s.sendWindow <= 0) {
                continue; // ended, or its stream window is shut: a WINDOW_UPDATE on it queues it again
            }
            int n = Math.min(Math.min(s.pending.remaining(), window), Math.min(s.sendWindow, TURN));
            ByteBuffer chunk = s.pending.duplicate();
            chunk.limit(chunk.position() + n);
            s.pending.position(s.pending.position() + n);
            boolean last = !s.pending.hasRemaining();
            writer.data(s.id, chunk, last);
            window -= n;
            s.sendWindow -= n;
            if (last) {
                s.pending = null;
                s.localEnded = true;
            } else {
                queue(s);
            }
        }
    }

    /** Forgets every body waiting: the connection is closing. */
    void clear() {
        sending.clear();
    }
}
