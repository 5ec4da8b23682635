package io.switchboard.udp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Map;

/** Opens the datagram channels of the bootstraps. Stateless. */
final class Sockets {
    private Sockets() {
    }

    /**
     * A non-blocking channel with the options set, bound to {@code local} and, when {@code remote} is not null,
     * connected to it. Its protocol family is that of {@code remote}, or else of {@code local}: an IPv4 address
     * (or {@code 0.0.0.0}) gives an IPv4 socket, an IPv6 one (or {@code ::}, which takes IPv4 peers too) an IPv6
     * socket.
     */
    static DatagramChannel open(InetSocketAddress local, InetSocketAddress remote, DatagramConfig config,
                                boolean reuseAddress, boolean reusePort, Map<SocketOption<?>, Object> options)
            throws IOException {
        InetSocketAddress which = remote != null ? remote : local;
        ProtocolFamily family = which.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
            if (reusePort) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (config.receiveBuffer() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBuffer());
            }
            if (config.sendBuffer() > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, config.sendBuffer());
            }
            channel.setOption(StandardSocketOptions.SO_BROADCAST, config.broadcast());
            for (Map.Entry<SocketOption<?>, Object> option : options.entrySet()) {
                set(channel, option.getKey(), option.getValue());
            }
            channel.bind(local);
            if (remote != null) {
                channel.connect(remote);
            }
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(DatagramChannel channel, SocketOption<T> option, Object value) throws IOException {
        channel.setOption(option, (T) value);
    }

    /** {@return the wildcard address of {@code peer}'s family, port 0: where a client binds by default} */
    static InetSocketAddress anyLocal(InetSocketAddress peer) {
        return new InetSocketAddress(peer.getAddress() instanceof Inet6Address ? "::" : "0.0.0.0", 0);
    }
}
