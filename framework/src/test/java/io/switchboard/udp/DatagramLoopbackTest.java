package io.switchboard.udp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Datagram endpoints over real loopback sockets: IPv4, IPv6, connected clients, SO_REUSEPORT, multicast, options. */
class DatagramLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** Echoes every datagram to its sender and records, per datagram, the text, sender and loop thread. */
    private static final class Recorder implements Handler {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<InetSocketAddress> senders = new CopyOnWriteArrayList<>();
        final List<InetSocketAddress> recipients = new CopyOnWriteArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final boolean echo;

        Recorder(boolean echo) {
            this.echo = echo;
        }

        @Override
        public void read(HandlerContext ctx, Object message) {
            Datagram d = (Datagram) message;
            texts.add(new String(d.bytes(), StandardCharsets.UTF_8));
            senders.add(d.sender());
            recipients.add(d.recipient());
            threads.add(Thread.currentThread().getName());
            if (echo) {
                ctx.write(d.content());
            }
        }
    }

    private DatagramServer start(DatagramServer.Builder builder) {
        DatagramServer server = builder.start();
        toClose.add(server);
        return server;
    }

    private DatagramSocket client(String host) throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, 0));
        socket.setSoTimeout(10_000);
        toClose.add(socket);
        return socket;
    }

    private static String roundTrip(DatagramSocket socket, InetSocketAddress to, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        socket.receive(reply);
        assertEquals(to, reply.getSocketAddress(), "the reply comes from the server's address");
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    @Test
    void echoesOverIpv4Loopback() throws Exception {
        Recorder recorder = new Recorder(true);
        DatagramServer server = start(DatagramServer.builder().pipeline(p -> p.add(recorder)));
        DatagramSocket socket = client("127.0.0.1");
        assertEquals("ping", roundTrip(socket, server.localAddress(), "ping"));
        assertEquals(List.of(socket.getLocalSocketAddress()), recorder.senders);
        assertEquals(List.of(server.localAddress()), recorder.recipients);
        assertEquals(1, server.stats().received());
        // The loop counts a datagram sent after the send call returns; the peer can read the reply before that.
        await().atMost(WAIT).until(() -> server.stats().sent() == 1);
    }

    @Test
    void echoesOverIpv6Loopback() throws Exception {
        Recorder recorder = new Recorder(true);
        DatagramServer server = start(DatagramServer.builder().host("::1").pipeline(p -> p.add(recorder)));
        assertEquals(InetAddress.getByName("::1"), server.localAddress().getAddress());
        DatagramSocket socket = client("::1");
        assertEquals("over v6", roundTrip(socket, server.localAddress(), "over v6"));
        assertEquals(List.of(socket.getLocalSocketAddress()), recorder.senders);
    }

    @Test
    void theIpv6WildcardTakesIpv4AndIpv6Peers() throws Exception {
        Recorder recorder = new Recorder(true);
        DatagramServer server = start(DatagramServer.builder().host("::").pipeline(p -> p.add(recorder)));
        int port = server.localAddress().getPort();
        assertEquals("four", roundTrip(client("127.0.0.1"), new InetSocketAddress("127.0.0.1", port), "four"));
        assertEquals("six", roundTrip(client("::1"), new InetSocketAddress("::1", port), "six"));
        assertInstanceOf(Inet4Address.class, recorder.senders.get(0).getAddress(), "an IPv4 peer is seen as IPv4");
        assertEquals(InetAddress.getByName("::1"), recorder.senders.get(1).getAddress());
        assertTrue(recorder.recipients.get(0).getAddress().isAnyLocalAddress(),
                "bound to the wildcard, the recipient is the wildcard (Java does not expose IP_PKTINFO)");
    }

    @Test
    void aConnectedClientWritesPlainBytesToItsPeerFromAnyThread() throws Exception {
        DatagramServer server = start(DatagramServer.builder().pipeline(p -> p.add(new Recorder(true))));
        Recorder answers = new Recorder(false);
        DatagramClient client = DatagramClient.builder().pipeline(p -> p.add(answers)).build();
        toClose.add(client);
        DatagramEndpoint endpoint = client.connect(server.localAddress()).join();
        assertEquals(server.localAddress(), endpoint.remoteAddress());
        endpoint.connection().writeAndFlush("hello".getBytes(StandardCharsets.UTF_8)); // from the test's thread
        await().atMost(WAIT).until(() -> answers.texts.size() == 1);
        assertEquals(List.of("hello"), answers.texts);
        assertEquals(List.of(server.localAddress()), answers.senders);
    }

    @Test
    void aConnectedClientCountsThePortUnreachableAnswerToWhatItSent() throws Exception {
        InetSocketAddress nobody;
        try (DatagramChannel gone = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            nobody = (InetSocketAddress) gone.getLocalAddress();
        }
        DatagramClient client = DatagramClient.builder().pipeline(p -> { }).build();
        toClose.add(client);
        DatagramEndpoint endpoint = client.connect(nobody).join();
        endpoint.connection().write(new byte[] {1});
        await().atMost(WAIT).until(() -> endpoint.stats().sendErrors() == 1);
        assertTrue(endpoint.connection().isOpen(), "an ICMP error does not close the endpoint");
    }

    @Test
    void severalEndpointsOnOnePortShareTheDatagramsOverTheirLoops() throws Exception {
        Recorder recorder = new Recorder(true);
        DatagramServer server = start(DatagramServer.builder().endpoints(2).pipeline(p -> p.add(recorder)));
        assertEquals(2, server.endpoints().size());
        for (DatagramEndpoint endpoint : server.endpoints()) {
            assertEquals(server.localAddress(), endpoint.localAddress(), "both bound to the same port");
        }
        // 64 senders, each its own source port: the kernel hashes them over the two sockets. All on one of two
        // sockets would happen with probability 2^-63.
        for (int i = 0; i < 64; i++) {
            assertEquals("n" + i, roundTrip(client("127.0.0.1"), server.localAddress(), "n" + i));
        }
        assertEquals(64, server.stats().received());
        assertEquals(2, recorder.threads.size(), "both loops served some: " + recorder.threads);
        for (DatagramEndpoint endpoint : server.endpoints()) {
            assertTrue(endpoint.stats().received() > 0);
        }
    }

    @Test
    void joinsAndLeavesAMulticastGroupOnTheLoopbackInterface() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        InetAddress group = InetAddress.getByName("239.255.42.99");
        Recorder recorder = new Recorder(false);
        DatagramServer server = start(DatagramServer.builder().host("0.0.0.0").pipeline(p -> p.add(recorder)));
        int port = server.localAddress().getPort();
        server.join(group, lo);
        DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)
                .setOption(StandardSocketOptions.IP_MULTICAST_IF, lo)
                .setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        toClose.add(sender);
        sender.send(ByteBuffer.wrap("to the group".getBytes(StandardCharsets.UTF_8)), new InetSocketAddress(group, port));
        await().atMost(WAIT).until(() -> recorder.texts.contains("to the group"));

        server.leave(group, lo);
        sender.send(ByteBuffer.wrap("after leaving".getBytes(StandardCharsets.UTF_8)), new InetSocketAddress(group, port));
        // Loopback delivers in the order sent: once this unicast marker is in, the group datagram before it would be.
        sender.send(ByteBuffer.wrap("marker".getBytes(StandardCharsets.UTF_8)), new InetSocketAddress("127.0.0.1", port));
        await().atMost(WAIT).until(() -> recorder.texts.contains("marker"));
        assertEquals(List.of("to the group", "marker"), recorder.texts);
    }

    @Test
    void multicastNeedsAServerWithOneEndpoint() {
        DatagramServer server = start(DatagramServer.builder().endpoints(2).pipeline(p -> { }));
        assertThrows(IllegalStateException.class, () -> server.join(InetAddress.getByName("239.255.42.98"),
                NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress())));
    }

    @Test
    void broadcastNeedsSoBroadcast() throws Exception {
        Recorder recorder = new Recorder(false);
        DatagramServer server = start(DatagramServer.builder().host("0.0.0.0").pipeline(p -> p.add(recorder)));
        InetSocketAddress broadcast = new InetSocketAddress("127.255.255.255", server.localAddress().getPort());
        DatagramClient plain = DatagramClient.builder().pipeline(p -> { }).build();
        DatagramClient allowed = DatagramClient.builder().config(DatagramConfig.DEFAULTS.withBroadcast(true))
                .pipeline(p -> { }).build();
        toClose.add(plain);
        toClose.add(allowed);
        DatagramEndpoint refused = plain.bind(new InetSocketAddress("127.0.0.1", 0)).join();
        refused.send(broadcast, "refused".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> refused.stats().sendErrors() == 1);
        DatagramEndpoint sent = allowed.bind(new InetSocketAddress("127.0.0.1", 0)).join();
        sent.send(broadcast, "to all".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> recorder.texts.contains("to all"));
        assertEquals(List.of("to all"), recorder.texts);
        await().atMost(WAIT).until(() -> sent.stats().sent() == 1); // counted after the send call returns
    }

    @Test
    void socketBufferSizesAreApplied() throws Exception {
        DatagramServer server = start(DatagramServer.builder()
                .config(DatagramConfig.DEFAULTS.withBuffers(16 * 1024, 8 * 1024)).pipeline(p -> { }));
        DatagramChannel channel = ((ChannelPort) server.endpoints().get(0).port()).channel();
        int receive = channel.getOption(StandardSocketOptions.SO_RCVBUF);
        int send = channel.getOption(StandardSocketOptions.SO_SNDBUF);
        // Linux doubles what is asked for its own bookkeeping; either way far below its 208 KiB default.
        assertTrue(receive >= 16 * 1024 && receive <= 32 * 1024, "SO_RCVBUF " + receive);
        assertTrue(send >= 8 * 1024 && send <= 16 * 1024, "SO_SNDBUF " + send);
    }

    @Test
    void aBusyPortIsAClearError() {
        DatagramServer first = start(DatagramServer.builder().pipeline(p -> { }));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> DatagramServer.builder().port(first.localAddress().getPort()).pipeline(p -> { }).start());
        assertInstanceOf(BindException.class, e.getCause());
        assertTrue(e.getMessage().startsWith("cannot bind 127.0.0.1:" + first.localAddress().getPort()), e.getMessage());
    }

    @Test
    void closingStopsTheLoopsAndFreesThePort() {
        DatagramServer server = DatagramServer.builder().endpoints(2).pipeline(p -> { }).start();
        int port = server.localAddress().getPort();
        assertTrue(server.closeGracefully(Duration.ofSeconds(5)));
        assertTrue(server.closeFuture().isDone());
        start(DatagramServer.builder().port(port).pipeline(p -> { }));
    }
}
