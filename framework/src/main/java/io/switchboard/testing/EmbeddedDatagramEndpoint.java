package io.switchboard.testing;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import io.switchboard.udp.Datagram;
import io.switchboard.udp.DatagramConfig;
import io.switchboard.udp.DatagramEndpoint;
import io.switchboard.udp.DatagramStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives a datagram endpoint's pipeline with no socket: feed it datagrams from any sender, read back the datagrams
 * it sent (with their recipients) and what reached the end of the pipeline, fill its send buffer, and move its
 * clock to fire timers. The endpoint runs exactly as on a socket (same {@link DatagramEndpoint}, same batches, size
 * limit, send queue and counts), on a loop whose thread is the test's thread.
 *
 * <pre>{@code
 * EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(echo));
 * e.feed(peer, "ping");
 * assertEquals(List.of(peer), e.takeSent().stream().map(Datagram::recipient).toList());
 * }</pre>
 *
 * Not thread-safe: use it from the thread that created it (other threads may still call the endpoint's
 * thread-safe methods; their calls run at the next feed, {@link #runPending()} or {@link #advance}).
 */
public final class EmbeddedDatagramEndpoint {
    /** The local address of an embedded endpoint unless the test names another: 127.0.0.1 port 5000. */
    public static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);

    private final EmbeddedLoop loop = new EmbeddedLoop(64 * 1024);
    private final EmbeddedDatagramPort port;
    private final DatagramEndpoint endpoint;
    private final ArrayDeque<Object> received = new ArrayDeque<>();
    private final List<Object> events = new ArrayList<>();

    /**
     * An unconnected endpoint at {@link #LOCAL} with default limits, whose pipeline {@code initializer} builds.
     *
     * @param initializer adds the handlers under test to the pipeline
     */
    public EmbeddedDatagramEndpoint(Consumer<Pipeline> initializer) {
        this(DatagramConfig.DEFAULTS, new MemoryBudget(Long.MAX_VALUE), LOCAL, null, initializer);
    }

    /**
     * An endpoint with the given limits and addresses.
     *
     * @param config      the endpoint's limits (its socket options play no part in memory)
     * @param budget      the process-wide budget its queued datagrams count against
     * @param local       the endpoint's local address
     * @param remote      the peer of a connected endpoint, or null for an unconnected one
     * @param initializer adds the handlers under test to the pipeline
     */
    public EmbeddedDatagramEndpoint(DatagramConfig config, MemoryBudget budget, InetSocketAddress local,
                                    InetSocketAddress remote, Consumer<Pipeline> initializer) {
        this.port = new EmbeddedDatagramPort(local, remote);
        this.endpoint = DatagramEndpoint.open(loop, port, config, budget, p -> {
            initializer.accept(p);
            p.add(new Capture());
        });
        runPending();
    }

    /** {@return the endpoint under test} */
    public DatagramEndpoint endpoint() {
        return endpoint;
    }

    /** {@return the endpoint's pipeline} */
    public Pipeline pipeline() {
        return endpoint.connection().pipeline();
    }

    /** {@return what the endpoint has received, sent and dropped so far} */
    public DatagramStats stats() {
        return endpoint.stats();
    }

    /**
     * Delivers one datagram from {@code sender}, then runs what that caused.
     *
     * @param sender who sent it
     * @param bytes  its bytes; copied
     * @return this embedded endpoint
     */
    public EmbeddedDatagramEndpoint feed(InetSocketAddress sender, byte[] bytes) {
        port.inbound.addLast(Datagram.received(ByteBuffer.wrap(bytes.clone()), sender, port.local));
        return runPending();
    }

    /**
     * Delivers one datagram of {@code text} in UTF-8 from {@code sender}, then runs what that caused.
     *
     * @param sender who sent it
     * @param text   its text
     * @return this embedded endpoint
     */
    public EmbeddedDatagramEndpoint feed(InetSocketAddress sender, String text) {
        return feed(sender, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Delivers several datagrams that arrived together, so that the endpoint reads them in batches as it would
     * from a socket, then runs what that caused.
     *
     * @param datagrams datagrams made by {@link Datagram#received}; their content is copied
     * @return this embedded endpoint
     */
    public EmbeddedDatagramEndpoint feedAll(List<Datagram> datagrams) {
        for (Datagram d : datagrams) {
            port.inbound.addLast(Datagram.received(ByteBuffer.wrap(d.bytes()), d.sender(), port.local));
        }
        return runPending();
    }

    /** {@return the number of datagrams fed that the endpoint has not read yet (reading suspended, say)} */
    public int unread() {
        return port.inbound.size();
    }

    /**
     * Everything sent since the last call, each with its recipient, and forgets it.
     *
     * @return the datagrams sent, in order
     */
    public List<Datagram> takeSent() {
        List<Datagram> all = new ArrayList<>(port.sent);
        port.sent.clear();
        runPending();
        return all;
    }

    /**
     * Fills the socket's send buffer: it takes {@code datagrams} more and then none until this is called again.
     * {@code Integer.MAX_VALUE} empties it for good.
     *
     * @param datagrams how many more datagrams the send buffer takes
     * @return this embedded endpoint
     */
    public EmbeddedDatagramEndpoint sendRoom(int datagrams) {
        port.room = datagrams;
        return runPending();
    }

    /**
     * Takes the next message that reached the end of the pipeline ({@link Datagram}s arrive copied, as
     * {@link Datagram#copy()} makes them).
     *
     * @return the message, or null when none is left
     */
    public Object readMessage() {
        return received.pollFirst();
    }

    /**
     * Takes all messages that reached the end of the pipeline and were not taken yet.
     *
     * @return the messages, in arrival order
     */
    public List<Object> readMessages() {
        List<Object> all = new ArrayList<>(received);
        received.clear();
        return all;
    }

    /**
     * Events that reached the end of the pipeline, in order: user events as themselves, and the strings
     * {@code "closed"} and {@code "exception:<class>"}.
     *
     * @return the live list of events
     */
    public List<Object> events() {
        return events;
    }

    /** {@return true once the endpoint's socket was closed} */
    public boolean isClosed() {
        return port.closed;
    }

    /** {@return the multicast groups joined and not left, each as the list [group, interface]} */
    public List<List<Object>> groups() {
        return List.copyOf(port.groups);
    }

    /**
     * Moves the loop's clock forward and runs the timers and tasks that came due.
     *
     * @param time how far to move the clock
     * @return this embedded endpoint
     */
    public EmbeddedDatagramEndpoint advance(Duration time) {
        loop.advance(time.toNanos());
        pump();
        return this;
    }

    /** {@return the loop's clock in nanoseconds} */
    public long nanoTime() {
        return loop.nanoTime();
    }

    /**
     * Runs queued tasks, due timers and pending I/O until nothing is left to do.
     *
     * @return this embedded endpoint
     */
    public EmbeddedDatagramEndpoint runPending() {
        loop.runPending();
        pump();
        return this;
    }

    private void pump() {
        boolean progress = true;
        while (progress) {
            progress = false;
            if (port.writable()) {
                port.events.writable();
                progress = true;
            }
            if (port.readable()) {
                port.events.readable();
                progress = true;
            }
            if (progress) {
                loop.runPending();
            }
        }
    }

    /** The last handler: records what reaches the end of the pipeline, then lets the tail act on it. */
    private final class Capture implements Handler {
        @Override
        public void read(HandlerContext ctx, Object message) {
            if (message instanceof Datagram) {
                received.addLast(((Datagram) message).copy());
            } else if (message instanceof ByteBuffer) {
                ByteBuffer in = (ByteBuffer) message;
                byte[] copy = new byte[in.remaining()];
                in.get(copy);
                received.addLast(copy);
            } else {
                received.addLast(message);
            }
        }

        @Override
        public void userEvent(HandlerContext ctx, Object event) {
            events.add(event);
            ctx.fireUserEvent(event);
        }

        @Override
        public void exceptionCaught(HandlerContext ctx, Throwable cause) {
            events.add("exception:" + cause.getClass().getSimpleName());
            ctx.fireExceptionCaught(cause);
        }

        @Override
        public void closed(HandlerContext ctx) {
            events.add("closed");
        }
    }
}
