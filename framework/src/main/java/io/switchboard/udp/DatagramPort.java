package io.switchboard.udp;

import io.switchboard.pipeline.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;

/**
 * How a datagram endpoint moves datagrams: a {@code DatagramChannel} registered with a selector loop, or memory in
 * tests ({@code io.switchboard.testing.EmbeddedDatagramEndpoint}). A strategy with no pipeline logic in it: the
 * endpoint's batching, size limit, queue and counts run the same over either. Loop thread only, except
 * {@link #join} and {@link #leave}, which are thread-safe.
 */
public interface DatagramPort {

    /**
     * Called once, on the endpoint's loop, to start delivering readiness to {@code events}
     * ({@link Transport.Events#readable()}, {@link Transport.Events#writable()}, {@link Transport.Events#loopClosing()}).
     *
     * @param events the endpoint's readiness callbacks
     * @throws IOException when the port cannot be registered with its loop
     */
    void start(Transport.Events events) throws IOException;

    /**
     * Receives one datagram into {@code dst}, from its position up to its limit. A datagram longer than that is
     * cut short, as the system does; the caller detects it by offering one byte more than it accepts.
     *
     * @param dst the buffer to fill
     * @return the sender, or null when no datagram is waiting
     * @throws IOException when receiving fails (on a connected endpoint, an ICMP error reported for an earlier
     *                     send arrives this way as a {@link java.net.PortUnreachableException})
     */
    InetSocketAddress receive(ByteBuffer dst) throws IOException;

    /**
     * Sends the remaining bytes of {@code src} as one datagram, or nothing.
     *
     * @param src    the datagram's bytes; its position moves to its limit when it is sent
     * @param target the recipient, or null for the peer of a connected port
     * @return true when it was sent; false when the socket's send buffer has no room now (nothing was sent)
     * @throws IOException when the system refuses it (no route, too long, the port closed)
     */
    boolean send(ByteBuffer src, InetSocketAddress target) throws IOException;

    /**
     * Sets whether the endpoint wants to be told when datagrams arrive and when the send buffer has room.
     *
     * @param read  true to be told when a datagram can be received
     * @param write true to be told when a datagram can be sent again
     */
    void interest(boolean read, boolean write);

    /** Closes the port. */
    void close();

    /** {@return the bound local address} */
    InetSocketAddress localAddress();

    /** {@return the peer of a connected port, or null} */
    InetSocketAddress remoteAddress();

    /**
     * Joins the multicast {@code group} on {@code networkInterface}: datagrams sent to the group arrive here too.
     * Joining a group already joined there does nothing. Thread-safe.
     *
     * @param group            a multicast address of the port's protocol family
     * @param networkInterface the interface to join on
     * @throws IOException when the system refuses
     */
    void join(InetAddress group, NetworkInterface networkInterface) throws IOException;

    /**
     * Leaves a group joined with {@link #join}; leaving one not joined does nothing. Thread-safe.
     *
     * @param group            the multicast address
     * @param networkInterface the interface it was joined on
     */
    void leave(InetAddress group, NetworkInterface networkInterface);
}
