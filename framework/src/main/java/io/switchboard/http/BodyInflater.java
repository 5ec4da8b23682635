package io.switchboard.http;

import io.switchboard.internal.BodyDecoder;
import io.switchboard.pipeline.MemoryBudget;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes one request body sent with {@code Content-Encoding: gzip} or {@code deflate}, for a route whose
 * {@link BodyPolicy#decoded()} asks for it. The connection {@link #feed feeds} it the body's bytes as the parser
 * hands them over (copied: they are borrowed), and takes the inflated bytes a piece at a time with {@link #next},
 * as long as the body may take more: a streamed body stops taking them while its reader is a window behind, and
 * the compressed bytes not yet inflated wait here (at most what one read brought) while the connection reads
 * nothing more. So a bomb never inflates past what the body holds.
 *
 * <p>The inflated bytes are counted against the route's limit: the inflater is never given room for more than
 * one byte past it, and that byte is refused with 413. gzip members are read with their header (extra field,
 * name, comment and header CRC skipped) and checked against their trailer (CRC-32 and length); several members
 * one after another are one body, as RFC 1952 allows. For {@code deflate} the zlib wrapper (RFC 1950) is
 * expected, and raw deflate accepted too, told apart by the first two bytes as Netty's
 * {@code ZLIB_OR_NONE} does, since some clients send that. Broken data, trailing garbage or a stream cut
 * short are refused with 400.
 *
 * <p>The {@link Inflater} (about 40 KiB of native memory) is made at the first compressed byte, counted against
 * the connection's {@link MemoryBudget} (503 when it has no room), and ended by {@link #release} at the body's end
 * or when the request or connection is given up. Loop thread only; one per request body being decoded.
 */
final class BodyInflater implements BodyDecoder {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    /** The longest gzip header kept while its end has not arrived: a name or comment longer than this is refused. */
    private static final int MAX_HEADER = 64 * 1024;

    /** Where the decoder is in the body. */
    private enum State { HEADER, DATA, TRAILER, MEMBER_END, DONE }

    private final ContentCoding coding;
    private final long limit;
    private final ZlibPool pool;
    private final MemoryBudget budget;
    private final CRC32 crc;
    private Inflater inflater;
    private State state;
    /** Compressed bytes not yet used, in {@code input[start, end)}. */
    private byte[] input = new byte[256];
    private int start;
    private int end;
    private long inflated;
    /** Bytes inflated in the current gzip member, for its trailer's length. */
    private long memberBytes;

    BodyInflater(ContentCoding coding, long limit, ZlibPool pool, MemoryBudget budget) {
        this.coding = coding;
        this.limit = limit;
        this.pool = pool;
        this.budget = budget;
        this.crc = coding == ContentCoding.GZIP ? new CRC32() : null;
        this.state = coding == ContentCoding.GZIP ? State.HEADER : State.DATA;
    }

    /** Keeps a copy of the compressed bytes of {@code slice}. */
    @Override
    public void feed(ByteBuffer slice) {
        int n = slice.remaining();
        if (n == 0) {
            return;
        }
        if (end + n > input.length) {
            int kept = end - start;
            if (kept + n > input.length) {
                input = Arrays.copyOf(Arrays.copyOfRange(input, start, end), Math.max(kept + n, input.length * 2));
            } else {
                System.arraycopy(input, start, input, 0, kept);
            }
            start = 0;
            end = kept;
        }
        slice.get(input, end, n);
        end += n;
    }

    /**
     * The next piece of inflated bytes: a view of the loop's scratch array, valid until the next call.
     *
     * @return the piece; null when the bytes kept give no more until more arrive
     * @throws HttpException 413 past the limit, 400 for broken data, 503 when the budget has no room for an inflater
     */
    @Override
    public ByteBuffer next() {
        while (true) {
            switch (state) {
                case HEADER -> {
                    int n = gzipHeader();
                    if (n < 0) {
                        return null;
                    }
                    start += n;
                    state = State.DATA;
                }
                case DATA -> {
                    ByteBuffer piece = inflate();
                    if (piece != null || state == State.DATA) {
                        return piece;
                    }
                }
                case TRAILER -> {
                    if (end - start < 8) {
                        return null;
                    }
                    if (le32(start) != (int) crc.getValue() || le32(start + 4) != (int) memberBytes) {
                        throw new HttpException(400, "the gzip body does not match its checksum or length");
                    }
                    start += 8;
                    state = State.MEMBER_END;
                }
                case MEMBER_END -> {
                    if (end - start < 2) {
                        return null;
                    }
                    if ((input[start] & 0xff) != ContentCoding.GZIP_MAGIC_1 || (input[start + 1] & 0xff) != ContentCoding.GZIP_MAGIC_2) {
                        throw new HttpException(400, "bytes after the end of the gzip body");
                    }
                    // Another member follows (as `cat a.gz b.gz` makes): one body.
                    inflater.reset();
                    crc.reset();
                    memberBytes = 0;
                    state = State.HEADER;
                }
                case DONE -> {
                    if (start < end) {
                        throw new HttpException(400, "bytes after the end of the deflate body");
                    }
                    return null;
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
    }

    @Override
    public int unusedInput() {
        return end - start;
    }

    /** {@return true while compressed bytes are kept that {@link #next} has not used} */
    boolean hasInput() {
        return start < end;
    }

    /**
     * The body's last bytes arrived: checks that the compressed data ended with them.
     *
     * @throws HttpException 400 when it was cut short
     */
    @Override
    public void finish() {
        if (!(state == State.MEMBER_END || state == State.DONE) || start < end) {
            throw new HttpException(400, "the " + coding.token() + " body is cut short");
        }
    }

    /** {@return the inflated bytes so far} */
    long inflated() {
        return inflated;
    }

    /** Ends the inflater, giving its native memory and reservation back (once; later calls do nothing). */
    @Override
    public void release() {
        if (inflater != null) {
            pool.endInflater(inflater, budget);
            inflater = null;
        }
        input = null;
        start = 0;
        end = 0;
    }

    private ByteBuffer inflate() {
        if (inflater == null) {
            if (start == end || coding == ContentCoding.DEFLATE && end - start < 2) {
                return null;
            }
            boolean raw = coding == ContentCoding.GZIP || !zlibHeader(input[start] & 0xff, input[start + 1] & 0xff);
            inflater = pool.newInflater(raw, budget);
            if (inflater == null) {
                throw new HttpException(503, "the server has no memory left to decode request bodies; try again later");
            }
        }
        byte[] out = pool.inflated;
        // Room for one byte past the limit at most (written so that a limit of Long.MAX_VALUE does not overflow).
        int room = limit - inflated >= out.length ? out.length : (int) (limit - inflated + 1);
        int n;
        inflater.setInput(input, start, end - start);
        try {
            n = inflater.inflate(out, 0, room);
        } catch (DataFormatException e) {
            throw new HttpException(400, "the " + coding.token() + " body is broken: " + e.getMessage());
        }
        start = end - inflater.getRemaining();
        if (n > 0) {
            inflated += n;
            if (inflated > limit) {
                throw new HttpException(413, "the decoded body goes past the limit of " + limit + " bytes");
            }
            if (crc != null) {
                crc.update(out, 0, n);
                memberBytes += n;
            }
        }
        if (inflater.finished()) {
            state = coding == ContentCoding.GZIP ? State.TRAILER : State.DONE;
        } else if (n == 0 && inflater.needsDictionary()) {
            throw new HttpException(400, "the deflate body asks for a preset dictionary");
        }
        return n > 0 ? ByteBuffer.wrap(out, 0, n) : null;
    }

    /** {@return true when the two bytes begin a zlib stream (RFC 1950): deflate, and a valid check} */
    private static boolean zlibHeader(int cmf, int flg) {
        return (cmf & 0x0f) == ContentCoding.METHOD_DEFLATE && (cmf >>> 4) <= 7 && (cmf * 256 + flg) % 31 == 0;
    }

    /**
     * The length of the gzip header at {@code start}; -1 while it has not all arrived.
     *
     * @throws HttpException 400 when it is not a gzip header
     */
    private int gzipHeader() {
        int avail = end - start;
        if (avail < 10) {
            return -1;
        }
        if ((input[start] & 0xff) != ContentCoding.GZIP_MAGIC_1 || (input[start + 1] & 0xff) != ContentCoding.GZIP_MAGIC_2
                || input[start + 2] != ContentCoding.METHOD_DEFLATE) {
            throw new HttpException(400, "the body is not gzip");
        }
        int flags = input[start + 3] & 0xff;
        if ((flags & 0xe0) != 0) {
            throw new HttpException(400, "the gzip header has reserved flags set");
        }
        int at = 10;
        if ((flags & FEXTRA) != 0) {
            if (avail < at + 2) {
                return incomplete(avail);
            }
            at += 2 + ((input[start + at] & 0xff) | (input[start + at + 1] & 0xff) << 8);
        }
        for (int flag : new int[] {FNAME, FCOMMENT}) {
            if ((flags & flag) != 0) {
                while (true) {
                    if (at >= avail) {
                        return incomplete(avail);
                    }
                    if (input[start + at++] == 0) {
                        break;
                    }
                }
            }
        }
        if ((flags & FHCRC) != 0) {
            at += 2;
        }
        return at <= avail ? at : incomplete(avail);
    }

    private static int incomplete(int avail) {
        if (avail > MAX_HEADER) {
            throw new HttpException(400, "the gzip header is longer than " + MAX_HEADER + " bytes");
        }
        return -1;
    }

    private int le32(int at) {
        return (input[at] & 0xff) | (input[at + 1] & 0xff) << 8 | (input[at + 2] & 0xff) << 16 | (input[at + 3] & 0xff) << 24;
    }
}
