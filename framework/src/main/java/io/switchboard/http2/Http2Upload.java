package io.switchboard.http2;

import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHeaders;
import io.switchboard.internal.BodyDecoder;
import io.switchboard.internal.BodyFeed;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The request body of one HTTP/2 stream streamed to its handler ({@code BodyPolicy.stream}), with the stream's
 * flow-control window as its backpressure: the bytes of each DATA frame go to the reader's {@link BodyFeed}, and the
 * window they took is given back (to the stream and to the connection, through the {@link Http2Receiver}) only as
 * the reader takes them, so that a reader that does not read holds at most the stream's window
 * ({@code SETTINGS_INITIAL_WINDOW_SIZE}, 256 KiB by default) and the client waits. Padding is given back at once.
 *
 * <p>A decoded body ({@code BodyPolicy.decoded()}) is inflated only while the reader has less than {@code window}
 * (the connection's high watermark) of decoded bytes not read; the compressed bytes wait meanwhile, and their window
 * goes back as they are inflated. So a bomb inflates no faster than the reader reads.
 *
 * <p>Past the limit (or with the memory budget spent, or broken compressed data) the reader fails with an
 * {@link IOException} whose cause is the {@link HttpException}, the server answers the stream with it, and the rest
 * of its DATA is dropped. When the stream closes first (the client reset it or closed the connection, or the
 * handler answered before reading the body to its end) the reader fails with an {@link EOFException}, and the window
 * of the bytes it did not read goes back to the connection. Loop thread only; one per streamed body.
 */
final class Http2Upload {
    private final Http2Stream stream;
    private final Http2Dispatch dispatch;
    private final Http2Receiver receiver;
    private final BodyFeed feed;
    /** Decodes the body; null when it is taken as it came. */
    private final BodyDecoder decoder;
    /** The most decoded bytes the reader may have not read before decoding waits. */
    private final long window;
    /** Flow-controlled bytes received whose window was not given back. */
    private long held;
    /** Decoded bytes given to the reader and not read. */
    private long decoded;
    /** Compressed bytes fed to the decoder, and those of them inflated (their window given back). */
    private long fed;
    private long usedGiven;
    /** The decoder reached the end of the body. */
    private boolean finished;
    /** The client ended the stream; its trailers, if any. */
    private boolean ended;
    private HttpHeaders trailers;
    /** The body failed: the rest of its DATA is dropped. */
    private boolean failed;

    Http2Upload(Http2Stream stream, Http2Dispatch dispatch, Http2Receiver receiver, BodyFeed feed,
            BodyDecoder decoder, long window) {
        this.stream = stream;
        this.dispatch = dispatch;
        this.receiver = receiver;
        this.feed = feed;
        this.decoder = decoder;
        this.window = window;
    }

    /**
     * DATA of the stream, within its window and declared length.
     *
     * @param size the frame's flow-controlled size, padding included
     */
    void data(ByteBuffer data, int size, boolean endStream) {
        int n = data.remaining();
        if (failed) {
            receiver.consumed(size);
        } else if (stream.received > stream.bodyLimit) {
            receiver.consumed(size);
            fail(new HttpException(413, "body over the limit of " + stream.bodyLimit + " bytes"));
            return;
        } else {
            held += n;
            if (size > n) {
                giveBack(size - n); // padding: nothing to read
            }
            if (decoder != null) {
                decoder.feed(data);
                fed += n;
            } else if (n > 0 && !feed.push(data)) {
                fail(new HttpException(503, "the server has no memory left for request bodies; try again later"));
                return;
            }
        }
        if (endStream) {
            end(null);
        } else if (decoder != null) {
            pump();
        }
    }

    /** The client ended the stream, with {@code trailers} (or null). */
    void end(HttpHeaders trailers) {
        stream.state = Http2Stream.State.HALF_CLOSED_REMOTE;
        ended = true;
        this.trailers = trailers;
        if (failed) {
            return;
        }
        if (decoder == null) {
            feed.end(trailers);
        } else {
            pump();
        }
    }

    /** The reader took bytes (on the loop, after its reads): their window goes back, or decoding goes on. */
    void read() {
        long n = feed.takeConsumed();
        if (stream.gone || failed || n == 0) {
            return; // given back when the stream closed or its body failed
        }
        if (decoder == null) {
            giveBack(n);
        } else {
            decoded -= n;
            pump();
        }
    }

    /** {@return true when {@code error} is (or is caused by) the body's failure} Thread-safe. */
    boolean isFailure(Throwable error) {
        return feed.isFailure(error);
    }

    /** The stream closed: a reader that did not reach the end fails, and the connection gets its window back. */
    void closed() {
        feed.fail(new EOFException("the stream closed before the request body was read to its end"));
        if (decoder != null) {
            decoder.release();
        }
        receiver.consumed(held);
        held = 0;
    }

    /** Inflates while the reader is less than the window behind; gives back the window of what was inflated. */
    private void pump() {
        if (finished) {
            return;
        }
        try {
            boolean dry = false;
            while (decoded < window) {
                ByteBuffer piece = decoder.next();
                if (piece == null) {
                    dry = true;
                    break;
                }
                int k = piece.remaining();
                if (!feed.push(piece)) {
                    fail(new HttpException(503, "the server has no memory left for request bodies; try again later"));
                    return;
                }
                decoded += k;
            }
            long used = fed - decoder.unusedInput();
            if (used > usedGiven) {
                giveBack(used - usedGiven);
                usedGiven = used;
            }
            if (ended && dry) {
                decoder.finish(); // a compressed body cut short is a 400
                decoder.release();
                finished = true;
                feed.end(trailers);
            }
        } catch (HttpException e) {
            fail(e);
        }
    }

    private void giveBack(long n) {
        held -= n;
        receiver.consumed(n);
        if (!stream.remoteClosed()) {
            receiver.streamConsumed(stream, (int) n);
        }
    }

    /** The body stopped arriving for the body timeout: the reader fails with {@code e}, which is answered. */
    void timedOut(HttpException e) {
        fail(e);
    }

    private void fail(HttpException e) {
        failed = true;
        feed.fail(new IOException(e.status() + " " + e.getMessage(), e));
        if (decoder != null) {
            decoder.release();
        }
        receiver.consumed(held);
        held = 0;
        dispatch.refuse(stream, e);
    }
}
