package io.switchboard.examples.syslog;

import io.switchboard.codec.Decoder;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Frames syslog messages on a TCP stream, both ways RFC 6587 describes, told apart per message by its first byte:
 * <ul>
 *   <li><b>octet counting</b> (a digit): {@code MSG-LEN SP SYSLOG-MSG}, MSG-LEN a decimal count of the message's
 *       bytes without a leading zero;</li>
 *   <li><b>non-transparent framing</b> (anything else, normally '&lt;'): the message up to a LF, a CR before it
 *       dropped; empty lines skipped.</li>
 * </ul>
 * Each message is passed on as a borrowed {@link ByteBuffer} slice for {@link SyslogCodec}. A message longer than
 * {@code maxMessage}, or a bad count, breaks the framing: a {@link ProtocolException}, and the connection closes.
 * Loop thread only; one instance per connection.
 */
public final class SyslogFraming extends Decoder {
    private final int maxMessage;
    /** Bytes of the current LF-framed message already searched for its LF, so that a slow sender costs no rescan. */
    private int searched;

    /**
     * @param maxMessage the longest message taken, in bytes
     */
    public SyslogFraming(int maxMessage) {
        super(maxMessage + 12);
        this.maxMessage = maxMessage;
    }

    @Override
    protected Object decode(HandlerContext ctx, ByteBuffer in) {
        while (in.hasRemaining()) {
            byte first = in.get(in.position());
            if (first >= '0' && first <= '9') {
                return octetCounted(in);
            }
            if (first == '\n') {
                in.get(); // an empty line: nothing to frame
                continue;
            }
            return lineFramed(in);
        }
        return null;
    }

    private ByteBuffer octetCounted(ByteBuffer in) {
        int start = in.position();
        int at = start;
        long length = 0;
        while (at < in.limit() && in.get(at) != ' ') {
            byte digit = in.get(at);
            if (digit < '0' || digit > '9' || at == start + 1 && length == 0) {
                throw new ProtocolException("bad octet count: MSG-LEN is digits without a leading zero, then a space");
            }
            length = length * 10 + (digit - '0');
            if (length > maxMessage) {
                throw new ProtocolException("message of " + length + " bytes is over the limit of " + maxMessage);
            }
            at++;
        }
        if (at == in.limit()) {
            return null;
        }
        if (length == 0) {
            throw new ProtocolException("bad octet count: a message has at least one byte");
        }
        int body = at + 1;
        if (in.limit() - body < length) {
            return null;
        }
        ByteBuffer message = in.duplicate().position(body).limit(body + (int) length).slice();
        in.position(body + (int) length);
        return message;
    }

    private ByteBuffer lineFramed(ByteBuffer in) {
        int start = in.position();
        for (int at = start + searched; at < in.limit(); at++) {
            if (in.get(at) == '\n') {
                searched = 0;
                int stop = at > start && in.get(at - 1) == '\r' ? at - 1 : at;
                if (stop - start > maxMessage) {
                    throw new ProtocolException("message over the limit of " + maxMessage + " bytes");
                }
                ByteBuffer message = in.duplicate().position(start).limit(stop).slice();
                in.position(at + 1);
                return message;
            }
        }
        searched = in.limit() - start;
        if (searched > maxMessage + 1) {
            throw new ProtocolException("message over the limit of " + maxMessage + " bytes");
        }
        return null;
    }
}
