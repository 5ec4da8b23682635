package io.switchboard.udp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One datagram: its bytes and its addresses.
 *
 * <p><b>Inbound</b>, it is the message a datagram endpoint's pipeline reads, one per datagram: {@link #sender()}
 * sent it to {@link #recipient()}, the endpoint's local address (the wildcard address when the endpoint is bound to
 * it: Java does not tell which of the host's addresses a datagram was sent to). Like the bytes a stream connection
 * reads, it is <b>borrowed</b>: its content is the loop's read buffer and the object itself is reused for the next
 * datagram of the batch, so both are valid until the read callback returns. {@link #copy()} keeps one.
 *
 * <p><b>Outbound</b>, a handler writes one made by {@link #to} to send to an address of its choosing. Writing plain
 * bytes (a {@link ByteBuffer} or {@code byte[]}) sends them to the sender of the datagram being handled, or to the
 * peer of a connected endpoint. Sending consumes the content's remaining bytes, as a stream write does; the
 * endpoint copies them only when it has to queue them. A received datagram (one with a sender) cannot be written as
 * it is: that would send it to the endpoint's own address.
 *
 * <p>Instances made by {@link #to} and {@link #copy()} are immutable apart from their content's position;
 * inbound ones belong to the loop that delivered them.
 */
public final class Datagram {
    private ByteBuffer content;
    private InetSocketAddress sender;
    private InetSocketAddress recipient;

    private Datagram(ByteBuffer content, InetSocketAddress sender, InetSocketAddress recipient) {
        this.content = content;
        this.sender = sender;
        this.recipient = recipient;
    }

    /** The one inbound datagram of a transport, refilled for each datagram it reads. */
    static Datagram reusable() {
        return new Datagram(null, null, null);
    }

    /** Refills a {@link #reusable()} datagram. Loop thread only. */
    void set(ByteBuffer content, InetSocketAddress sender, InetSocketAddress recipient) {
        this.content = content;
        this.sender = sender;
        this.recipient = recipient;
    }

    /**
     * A datagram to send to {@code recipient}.
     *
     * @param recipient where to send it; required
     * @param content   its bytes, from position to limit; borrowed until the write returns
     * @return the datagram
     */
    public static Datagram to(InetSocketAddress recipient, ByteBuffer content) {
        if (recipient == null || content == null) {
            throw new NullPointerException("recipient and content are required");
        }
        return new Datagram(content, null, recipient);
    }

    /**
     * A datagram to send to {@code recipient}.
     *
     * @param recipient where to send it; required
     * @param content   its bytes; not copied, so not to be changed until the write returns
     * @return the datagram
     */
    public static Datagram to(InetSocketAddress recipient, byte[] content) {
        return to(recipient, ByteBuffer.wrap(content));
    }

    /**
     * A datagram as if received: what a test or a replay feeds a pipeline.
     *
     * @param content   its bytes; kept, not copied
     * @param sender    who sent it; required
     * @param recipient where it was sent, or null
     * @return the datagram
     */
    public static Datagram received(ByteBuffer content, InetSocketAddress sender, InetSocketAddress recipient) {
        if (sender == null || content == null) {
            throw new NullPointerException("sender and content are required");
        }
        return new Datagram(content, sender, recipient);
    }

    /** {@return the datagram's bytes, between position and limit} Borrowed when the datagram is inbound. */
    public ByteBuffer content() {
        return content;
    }

    /** {@return who sent it; null for a datagram made to be sent} */
    public InetSocketAddress sender() {
        return sender;
    }

    /** {@return where it goes (outbound), or the local address that received it (inbound); may be null inbound} */
    public InetSocketAddress recipient() {
        return recipient;
    }

    /**
     * A datagram back to this one's sender.
     *
     * @param reply the bytes to send, as for {@link #to(InetSocketAddress, ByteBuffer)}
     * @return the reply
     * @throws IllegalStateException when this datagram has no sender (it was made to be sent)
     */
    public Datagram reply(ByteBuffer reply) {
        if (sender == null) {
            throw new IllegalStateException("a datagram made to be sent has no sender to reply to");
        }
        return to(sender, reply);
    }

    /**
     * As {@link #reply(ByteBuffer)}.
     *
     * @param reply the bytes to send; not copied
     * @return the reply
     */
    public Datagram reply(byte[] reply) {
        return reply(ByteBuffer.wrap(reply));
    }

    /**
     * {@return a copy with content of its own on the heap, to keep after the callback returns} The content's
     * remaining bytes are copied; its position does not move.
     */
    public Datagram copy() {
        ByteBuffer own = ByteBuffer.allocate(content.remaining());
        own.put(content.duplicate()).flip();
        return new Datagram(own, sender, recipient);
    }

    /** {@return the content's remaining bytes as a new array; its position does not move} */
    public byte[] bytes() {
        byte[] bytes = new byte[content.remaining()];
        content.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "Datagram[" + (content == null ? 0 : content.remaining()) + " bytes"
                + (sender != null ? " from " + sender : "") + (recipient != null ? " to " + recipient : "") + "]";
    }
}
