package io.switchboard.examples.kv;

import io.switchboard.codec.Decoder;
import io.switchboard.codec.FrameTooLongException;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RESP2 for a server: decodes each command, an array of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n})
 * or an inline line ({@code GET k\r\n}), into a {@code List<byte[]>}; encodes the replies of {@link Resp}.
 * The decoder keeps the arguments it has taken in, so a large command is parsed once however it is split.
 * A bulk string or array over its limit closes the connection; malformed input raises a
 * {@link ProtocolException} that the handler answers with {@code -ERR Protocol error}.
 * Loop thread only; one instance per connection.
 */
public final class RespCodec extends Decoder {
    private static final byte[] CRLF = {'\r', '\n'};
    /** The replies sent most, encoded once. */
    private static final byte[] OK = {'+', 'O', 'K', '\r', '\n'};
    private static final byte[] NULL = {'$', '-', '1', '\r', '\n'};
    /** A bulk string reply of at least this many bytes is written without being copied into one array first. */
    private static final int LARGE_BULK = 4096;

    /** {@link #lengthLine} returns this when the line's CRLF has not arrived yet. */
    private static final long INCOMPLETE = Long.MIN_VALUE;
    /** Most characters of a length, its sign included: a long has 19 digits. */
    private static final int MAX_DIGITS = 19;

    private final int maxBulk;
    private final int maxArgs;
    private final long maxCommand;
    private List<byte[]> args;
    /** Where the line {@link #lengthLine} read last ends: the index just past its CRLF. */
    private int lineEnd;
    private int expected;
    private long argBytes;

    /**
     * @param maxBulk    largest bulk string accepted, in bytes
     * @param maxArgs    most elements in a command
     * @param maxCommand most bytes of all the arguments of one command together
     */
    public RespCodec(int maxBulk, int maxArgs, long maxCommand) {
        super(maxBulk + 64);
        this.maxBulk = maxBulk;
        this.maxArgs = maxArgs;
        this.maxCommand = maxCommand;
    }

    @Override
    protected Object decode(HandlerContext ctx, ByteBuffer in) {
        if (args == null) {
            if (in.get(in.position()) != '*') {
                return inline(in);
            }
            long count = lengthLine(in);
            if (count == INCOMPLETE) {
                return null;
            }
            if (count > maxArgs) {
                throw new FrameTooLongException("array of " + count + " elements over the limit of " + maxArgs);
            }
            if (count < 1) {
                throw new ProtocolException("invalid multibulk length");
            }
            in.position(lineEnd);
            expected = (int) count;
            args = new ArrayList<>(Math.min(expected, 64));
            argBytes = 0;
        }
        while (args.size() < expected) {
            if (!in.hasRemaining()) {
                return null;
            }
            if (in.get(in.position()) != '$') {
                throw new ProtocolException("expected '$', got '" + (char) in.get(in.position()) + "'");
            }
            long length = lengthLine(in);
            if (length == INCOMPLETE) {
                return null;
            }
            if (length > maxBulk) {
                throw new FrameTooLongException("bulk string of " + length + " bytes over the limit of " + maxBulk);
            }
            if (length < 0) {
                throw new ProtocolException("invalid bulk length");
            }
            if (argBytes + length > maxCommand) {
                throw new FrameTooLongException("command of more than " + maxCommand + " bytes");
            }
            int start = lineEnd;
            if (in.limit() - start < length + 2) {
                return null;
            }
            if (in.get(start + (int) length) != '\r' || in.get(start + (int) length + 1) != '\n') {
                throw new ProtocolException("bulk string not followed by CRLF");
            }
            byte[] arg = new byte[(int) length];
            in.get(start, arg);
            in.position(start + (int) length + 2);
            args.add(arg);
            argBytes += length;
        }
        List<byte[]> command = args;
        args = null;
        return command;
    }

    /** A command typed by hand: words separated by spaces, ended by CRLF or LF. */
    private Object inline(ByteBuffer in) {
        int start = in.position();
        int lf = -1;
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                lf = i;
                break;
            }
        }
        if (lf < 0) {
            if (in.remaining() > maxBulk) {
                throw new FrameTooLongException("inline command over the limit of " + maxBulk + " bytes");
            }
            return null;
        }
        int end = lf > start && in.get(lf - 1) == '\r' ? lf - 1 : lf;
        byte[] line = new byte[end - start];
        in.get(start, line);
        in.position(lf + 1);
        List<byte[]> words = new ArrayList<>();
        for (String word : new String(line, StandardCharsets.ISO_8859_1).trim().split("[ \t]+")) {
            if (!word.isEmpty()) {
                words.add(word.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return words;
    }

    /**
     * Reads the length line at the position ({@code *3\r\n} or {@code $5\r\n}) in one pass: returns the number,
     * with {@link #lineEnd} just past the line's CRLF, or {@link #INCOMPLETE} when the CRLF has not arrived yet.
     * The position does not move.
     */
    private long lengthLine(ByteBuffer in) {
        int from = in.position() + 1;
        int limit = in.limit();
        boolean negative = from < limit && in.get(from) == '-';
        int i = negative ? from + 1 : from;
        long n = 0;
        for (; i < limit; i++) {
            byte b = in.get(i);
            if (b == '\r') {
                break;
            }
            if (b < '0' || b > '9' || i - from >= MAX_DIGITS) {
                throw new ProtocolException("invalid length");
            }
            n = n * 10 + (b - '0');
        }
        if (i + 1 >= limit) {
            return INCOMPLETE;
        }
        if (in.get(i + 1) != '\n') {
            throw new ProtocolException("CR not followed by LF");
        }
        if (i == from + (negative ? 1 : 0)) {
            throw new ProtocolException("invalid length");
        }
        lineEnd = i + 2;
        return negative ? -n : n;
    }

    @Override
    public void write(HandlerContext ctx, Object reply) {
        if (reply == Resp.OK) {
            ctx.write(OK);
        } else if (reply instanceof byte[] value) {
            bulk(ctx, value);
        } else if (reply == Resp.NULL) {
            ctx.write(NULL);
        } else {
            ByteArrayOutputStream out = new ByteArrayOutputStream(32);
            encode(reply, out);
            ctx.write(out.toByteArray());
        }
    }

    /**
     * A bulk string reply: header, value and CRLF copied into one array, written at once. A large value is
     * written as it is between its header and CRLF, so that the connection copies it into its queue once and the
     * reply needs no second array of its size.
     */
    private static void bulk(HandlerContext ctx, byte[] value) {
        if (value.length >= LARGE_BULK) {
            ctx.write(("$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            ctx.write(value);
            ctx.write(CRLF);
            return;
        }
        int digits = digits(value.length);
        byte[] reply = new byte[1 + digits + 2 + value.length + 2];
        reply[0] = '$';
        putDigits(reply, 1 + digits, value.length);
        int at = 1 + digits;
        reply[at++] = '\r';
        reply[at++] = '\n';
        System.arraycopy(value, 0, reply, at, value.length);
        at += value.length;
        reply[at++] = '\r';
        reply[at] = '\n';
        ctx.write(reply);
    }

    /** {@return how many decimal digits {@code n} (not negative) has} */
    private static int digits(int n) {
        int digits = 1;
        while (n >= 10) {
            n /= 10;
            digits++;
        }
        return digits;
    }

    /** Writes the digits of {@code n} (not negative) into {@code to}, the last one just before {@code end}. */
    private static void putDigits(byte[] to, int end, int n) {
        do {
            to[--end] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n > 0);
    }

    private static void encode(Object reply, ByteArrayOutputStream out) {
        if (reply instanceof Resp.Simple simple) {
            line(out, '+', simple.text());
        } else if (reply instanceof Resp.Error error) {
            line(out, '-', error.text());
        } else if (reply instanceof Long || reply instanceof Integer) {
            line(out, ':', reply.toString());
        } else if (reply instanceof byte[] bytes) {
            line(out, '$', Integer.toString(bytes.length));
            out.writeBytes(bytes);
            out.writeBytes(CRLF);
        } else if (reply instanceof String text) {
            encode(text.getBytes(StandardCharsets.UTF_8), out);
        } else if (reply == Resp.NULL || reply == null) {
            line(out, '$', "-1");
        } else if (reply instanceof List<?> list) {
            line(out, '*', Integer.toString(list.size()));
            for (Object element : list) {
                encode(element, out);
            }
        } else {
            throw new IllegalArgumentException("no RESP form for " + reply.getClass().getName());
        }
    }

    private static void line(ByteArrayOutputStream out, char type, String text) {
        out.write(type);
        out.writeBytes(text.replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8));
        out.writeBytes(CRLF);
    }
}
