package io.switchboard.redis;

import io.switchboard.codec.Decoder;
import io.switchboard.codec.FrameTooLongException;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RESP2, the Redis protocol, for a client: writes each command, a {@code List} of {@code String}, {@code byte[]} or
 * number arguments, as an array of bulk strings; reads each reply into Java values: a simple string as a
 * {@code String}, an error as a {@link RedisError}, an integer as a {@code Long}, a bulk string as a {@code byte[]},
 * an array as a {@code List<Object>}, and the null bulk string or array as {@link #NIL}. A pub/sub message is an
 * array of three bulk strings: {@code message}, the channel, the payload.
 *
 * <p>The server's codec of the {@code kv} example is the other role of the same protocol (it reads commands and
 * writes replies), as hyper splits HTTP/1 into a client and a server role; this one lives here because the
 * cross-instance group needs it.
 *
 * <p>Bounds: a bulk string over {@code maxBulk} bytes, an array over {@code maxElements} elements, arrays nested
 * deeper than {@value #MAX_DEPTH}, or a status line over {@value #MAX_LINE} bytes close the connection with a
 * {@link FrameTooLongException}; malformed input raises a {@link ProtocolException}. Memory grows with the bytes that
 * arrived, never with a length the server announced. Resumable: the elements of an array already read are kept, so a
 * reply cut by the reads is parsed once. Loop thread only; one instance per connection.
 */
public final class RespClientCodec extends Decoder {
    /** The null bulk string ({@code $-1}) or null array ({@code *-1}): a key that is not there, say. */
    public static final Object NIL = new Object() {
        @Override
        public String toString() {
            return "(nil)";
        }
    };
    /** Most nesting of arrays in one reply. */
    public static final int MAX_DEPTH = 8;
    /** Longest simple string, error or length line. */
    public static final int MAX_LINE = 64 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};
    /** {@link #lineEnd} returns this when the line's CRLF has not arrived yet. */
    private static final int INCOMPLETE = -1;

    private final int maxBulk;
    private final int maxElements;
    /** The arrays being filled, innermost last. */
    private final ArrayDeque<Frame> open = new ArrayDeque<>();

    /** An array whose elements are still arriving. */
    private static final class Frame {
        final List<Object> items;
        final int expected;

        Frame(int expected) {
            this.items = new ArrayList<>(Math.min(expected, 16));
            this.expected = expected;
        }
    }

    /**
     * A codec with the given bounds.
     *
     * @param maxBulk     largest bulk string accepted, in bytes
     * @param maxElements most elements of one array
     */
    public RespClientCodec(int maxBulk, int maxElements) {
        super(Math.max(maxBulk, MAX_LINE) + 64);
        this.maxBulk = maxBulk;
        this.maxElements = maxElements;
    }

    @Override
    protected Object decode(HandlerContext ctx, ByteBuffer in) {
        while (in.hasRemaining()) {
            int start = in.position();
            int end = lineEnd(in, start);
            if (end == INCOMPLETE) {
                return null;
            }
            byte type = in.get(start);
            Object value;
            switch (type) {
                case '+' -> value = text(in, start + 1, end - 2);
                case '-' -> value = new RedisError(text(in, start + 1, end - 2));
                case ':' -> value = number(in, start + 1, end - 2);
                case '$' -> {
                    long length = number(in, start + 1, end - 2);
                    if (length == -1) {
                        value = NIL;
                    } else if (length < 0) {
                        throw new ProtocolException("bulk string of length " + length);
                    } else if (length > maxBulk) {
                        throw new FrameTooLongException("bulk string of " + length + " bytes over the limit of " + maxBulk);
                    } else if (in.limit() - end < length + 2) {
                        return null; // the header line stays unconsumed until the whole string is here
                    } else {
                        int n = (int) length;
                        if (in.get(end + n) != '\r' || in.get(end + n + 1) != '\n') {
                            throw new ProtocolException("bulk string not followed by CRLF");
                        }
                        byte[] bytes = new byte[n];
                        in.get(end, bytes);
                        value = bytes;
                        end += n + 2;
                    }
                }
                case '*' -> {
                    long count = number(in, start + 1, end - 2);
                    if (count == -1) {
                        value = NIL;
                    } else if (count < 0) {
                        throw new ProtocolException("array of length " + count);
                    } else if (count > maxElements) {
                        throw new FrameTooLongException("array of " + count + " elements over the limit of " + maxElements);
                    } else if (count == 0) {
                        value = Collections.emptyList();
                    } else {
                        if (open.size() == MAX_DEPTH) {
                            throw new FrameTooLongException("arrays nested deeper than " + MAX_DEPTH);
                        }
                        open.addLast(new Frame((int) count));
                        in.position(end);
                        continue;
                    }
                }
                default -> throw new ProtocolException("unknown RESP type '" + (char) type + "'");
            }
            in.position(end);
            Object whole = attach(value);
            if (whole != null) {
                return whole;
            }
        }
        return null;
    }

    /** Adds a complete value to the innermost open array; returns the reply once no array is left open. */
    private Object attach(Object value) {
        Object done = value;
        while (!open.isEmpty()) {
            Frame frame = open.peekLast();
            frame.items.add(done);
            if (frame.items.size() < frame.expected) {
                return null;
            }
            open.removeLast();
            done = frame.items;
        }
        return done;
    }

    /** The index just past the CRLF of the line at {@code start}, or {@link #INCOMPLETE}. */
    private static int lineEnd(ByteBuffer in, int start) {
        int limit = Math.min(in.limit(), start + MAX_LINE);
        for (int i = start; i < limit - 1; i++) {
            if (in.get(i) == '\r') {
                if (in.get(i + 1) != '\n') {
                    throw new ProtocolException("CR not followed by LF");
                }
                return i + 2;
            }
        }
        if (in.limit() - start >= MAX_LINE) {
            throw new FrameTooLongException("RESP line over " + MAX_LINE + " bytes");
        }
        return INCOMPLETE;
    }

    private static String text(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long number(ByteBuffer in, int from, int to) {
        boolean negative = from < to && in.get(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to || to - i > 19) {
            throw new ProtocolException("invalid RESP number");
        }
        long n = 0;
        for (; i < to; i++) {
            byte b = in.get(i);
            if (b < '0' || b > '9') {
                throw new ProtocolException("invalid RESP number");
            }
            n = n * 10 + (b - '0');
        }
        return negative ? -n : n;
    }

    /**
     * Writes a command: a {@code List} of arguments, each a {@code String} (UTF-8), a {@code byte[]} or a number,
     * as one array of bulk strings. Other messages go on unchanged.
     */
    @Override
    public void write(HandlerContext ctx, Object message) {
        if (!(message instanceof List<?> command)) {
            ctx.write(message);
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write('*');
        out.writeBytes(Integer.toString(command.size()).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CRLF);
        for (Object argument : command) {
            byte[] bytes = argument instanceof byte[] b ? b
                    : String.valueOf(argument).getBytes(StandardCharsets.UTF_8);
            out.write('$');
            out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(CRLF);
            out.writeBytes(bytes);
            out.writeBytes(CRLF);
        }
        ctx.write(out.toByteArray());
    }

    @Override
    public void closed(HandlerContext ctx) throws Exception {
        open.clear();
        super.closed(ctx);
    }
}
