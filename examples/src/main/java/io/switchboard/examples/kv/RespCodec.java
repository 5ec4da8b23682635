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
    /** A bulk string reply of at least this many bytes is written without being copied into one array first. */
    private static final int LARGE_BULK = 4096;

    private final int maxBulk;
    private final int maxArgs;
    private final long maxCommand;
    private List<byte[]> args;
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
            int end = lineEnd(in);
            if (end < 0) {
                return null;
            }
            long count = number(in, in.position() + 1, end);
            if (count > maxArgs) {
                throw new FrameTooLongException("array of " + count + " elements over the limit of " + maxArgs);
            }
            if (count < 1) {
                throw new ProtocolException("invalid multibulk length");
            }
            in.position(end + 2);
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
            int end = lineEnd(in);
            if (end < 0) {
                return null;
            }
            long length = number(in, in.position() + 1, end);
            if (length > maxBulk) {
                throw new FrameTooLongException("bulk string of " + length + " bytes over the limit of " + maxBulk);
            }
            if (length < 0) {
                throw new ProtocolException("invalid bulk length");
            }
            if (argBytes + length > maxCommand) {
                throw new FrameTooLongException("command of more than " + maxCommand + " bytes");
            }
            int start = end + 2;
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

    private static int lineEnd(ByteBuffer in) {
        for (int i = in.position(); i + 1 < in.limit(); i++) {
            if (in.get(i) == '\r') {
                if (in.get(i + 1) != '\n') {
                    throw new ProtocolException("CR not followed by LF");
                }
                return i;
            }
            if (i - in.position() > 32) {
                throw new ProtocolException("length line too long");
            }
        }
        return -1;
    }

    private static long number(ByteBuffer in, int from, int to) {
        if (from == to || to - from > 19) {
            throw new ProtocolException("invalid length");
        }
        boolean negative = in.get(from) == '-';
        long n = 0;
        for (int i = negative ? from + 1 : from; i < to; i++) {
            byte b = in.get(i);
            if (b < '0' || b > '9') {
                throw new ProtocolException("invalid length");
            }
            n = n * 10 + (b - '0');
        }
        return negative ? -n : n;
    }

    @Override
    public void write(HandlerContext ctx, Object reply) {
        if (reply instanceof byte[] value && value.length >= LARGE_BULK) {
            // Header, value and CRLF written as they are: the connection copies the value into its queue once,
            // instead of through a growing stream and its final copy (three times the value at its peak).
            ctx.write(("$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            ctx.write(value);
            ctx.write(CRLF);
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        encode(reply, out);
        ctx.write(out.toByteArray());
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
