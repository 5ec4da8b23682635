package io.switchboard.testing;

import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives a connection's pipeline with no socket: feed it bytes, read back what it wrote and what reached
 * the end of the pipeline, and move its clock to fire timers. The connection runs exactly as on a socket
 * (same {@link Connection}, same outbound queue, same flush at the end of each batch), on a loop whose
 * thread is the test's thread.
 *
 * <pre>{@code
 * EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new LineCodec(80)).add(new Upper()));
 * c.feed("hello\n");
 * assertEquals("HELLO\n", c.takeWrittenString());
 * }</pre>
 *
 * Not thread-safe: use it from the thread that created it (other threads may still call the
 * connection's thread-safe methods; their calls run at the next feed, {@link #runPending()} or
 * {@link #advance}).
 */
public final class EmbeddedConnection {
    private final EmbeddedLoop loop;
    private final EmbeddedTransport transport;
    private final Connection connection;
    private final ArrayDeque<Object> received = new ArrayDeque<>();
    private final List<Object> events = new ArrayList<>();

    /**
     * A connection with default limits and a 64 KiB read buffer, whose pipeline {@code initializer} builds.
     *
     * @param initializer adds the handlers under test to the pipeline
     */
    public EmbeddedConnection(Consumer<Pipeline> initializer) {
        this(ConnectionConfig.DEFAULTS, 64 * 1024, initializer);
    }

    /**
     * A connection with the given limits and read buffer size (a small read buffer splits each feed into
     * several reads, as a socket would).
     *
     * @param config         the connection's outbound limits
     * @param readBufferSize the most bytes one read delivers
     * @param initializer    adds the handlers under test to the pipeline
     */
    public EmbeddedConnection(ConnectionConfig config, int readBufferSize, Consumer<Pipeline> initializer) {
        this(config, readBufferSize, new MemoryBudget(Long.MAX_VALUE), initializer);
    }

    /**
     * A connection with the given limits, read buffer size and memory budget (share one budget between several
     * embedded connections to test what happens when it is spent).
     *
     * @param config         the connection's outbound limits
     * @param readBufferSize the most bytes one read delivers
     * @param budget         the process-wide budget the connection counts against
     * @param initializer    adds the handlers under test to the pipeline
     */
    public EmbeddedConnection(ConnectionConfig config, int readBufferSize, MemoryBudget budget,
                              Consumer<Pipeline> initializer) {
        this(EmbeddedTransport.REMOTE, config, readBufferSize, budget, initializer);
    }

    /**
     * A connection with default limits whose socket's peer is {@code remote} (by default an unresolved name, which is
     * no IP address): for stages that look at where a connection comes from, such as the PROXY protocol's.
     *
     * @param remote      the address the transport reports for the peer
     * @param initializer adds the handlers under test to the pipeline
     */
    public EmbeddedConnection(SocketAddress remote, Consumer<Pipeline> initializer) {
        this(remote, ConnectionConfig.DEFAULTS, 64 * 1024, new MemoryBudget(Long.MAX_VALUE), initializer);
    }

    private EmbeddedConnection(SocketAddress remote, ConnectionConfig config, int readBufferSize, MemoryBudget budget,
                               Consumer<Pipeline> initializer) {
        this.transport = new EmbeddedTransport(remote);
        this.loop = new EmbeddedLoop(readBufferSize);
        this.connection = Connection.open(loop, transport, config, budget, p -> {
            initializer.accept(p);
            p.add(new Capture());
        });
        runPending();
    }

    /** {@return the connection under test} */
    public Connection connection() {
        return connection;
    }

    /** {@return the pipeline under test} */
    public Pipeline pipeline() {
        return connection.pipeline();
    }

    /**
     * Delivers {@code bytes} as the peer sending them at once, then runs what that caused.
     *
     * @param bytes the bytes; copied
     * @return this embedded connection
     */
    public EmbeddedConnection feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /**
     * Delivers {@code length} bytes of {@code bytes} from {@code offset}, then runs what that caused.
     *
     * @param bytes  the array holding the bytes; copied
     * @param offset the index of the first byte to deliver
     * @param length how many bytes to deliver
     * @return this embedded connection
     */
    public EmbeddedConnection feed(byte[] bytes, int offset, int length) {
        if (length > 0) {
            transport.inbound.addLast(ByteBuffer.wrap(bytes.clone(), offset, length).slice());
        }
        runPending();
        return this;
    }

    /**
     * Delivers {@code text} in UTF-8, then runs what that caused.
     *
     * @param text the text
     * @return this embedded connection
     */
    public EmbeddedConnection feed(String text) {
        return feed(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The peer shuts down its output (sends FIN): the pipeline sees {@code inputClosed} after any bytes fed before.
     *
     * @return this embedded connection
     */
    public EmbeddedConnection finishInput() {
        transport.inputEnded = true;
        runPending();
        return this;
    }

    /** {@return the bytes fed that the connection has not read yet, because reading is suspended or paused} */
    public int unreadBytes() {
        int n = 0;
        for (ByteBuffer b : transport.inbound) {
            n += b.remaining();
        }
        return n;
    }

    /**
     * Everything written to the peer since the last call, and forgets it (the peer "reads" it).
     *
     * @return the bytes written
     */
    public byte[] takeWritten() {
        byte[] bytes = transport.sent.toByteArray();
        transport.sent.reset();
        runPending();
        return bytes;
    }

    /**
     * Forgets everything written to the peer since the last call without copying it (the peer "reads" it),
     * for benchmarks and tests that only count bytes.
     *
     * @return the number of bytes forgotten
     */
    public int discardWritten() {
        int n = transport.sent.size();
        transport.sent.reset();
        runPending();
        return n;
    }

    /** {@return {@link #takeWritten()} as UTF-8 text} */
    public String takeWrittenString() {
        return new String(takeWritten(), StandardCharsets.UTF_8);
    }

    /**
     * Makes the peer a slow reader: it takes at most {@code bytes} written bytes until the test calls
     * {@link #takeWritten()}. {@code Long.MAX_VALUE} removes the limit.
     *
     * @param bytes the most bytes the peer holds unread
     * @return this embedded connection
     */
    public EmbeddedConnection peerWindow(long bytes) {
        transport.window = bytes;
        runPending();
        return this;
    }

    /** {@return the number of write system calls the connection made so far (gathering writes count once)} */
    public long writeCalls() {
        return transport.writeCalls;
    }

    /**
     * Takes the next message that reached the end of the pipeline (inbound {@code ByteBuffer}s arrive copied
     * to {@code byte[]}).
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
     * {@code "inputClosed"}, {@code "writable:false"}, {@code "writable:true"}, {@code "closed"} and
     * {@code "exception:<class>"}.
     *
     * @return the live list of events
     */
    public List<Object> events() {
        return events;
    }

    /**
     * Moves the loop's clock forward and runs the timers and tasks that came due.
     *
     * @param time how far to move the clock
     * @return this embedded connection
     */
    public EmbeddedConnection advance(Duration time) {
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
     * @return this embedded connection
     */
    public EmbeddedConnection runPending() {
        loop.runPending();
        pump();
        return this;
    }

    /** {@return true while the connection is open (no close or abort requested)} */
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** {@return true once the connection's transport was closed or reset} */
    public boolean isClosed() {
        return transport.closed;
    }

    /** {@return true once the connection was reset rather than closed} */
    public boolean isAborted() {
        return transport.aborted;
    }

    /** {@return true once the connection sent its FIN} */
    public boolean isOutputShutdown() {
        return transport.outputShutdown;
    }

    private void pump() {
        boolean progress = true;
        while (progress) {
            progress = false;
            if (transport.writable()) {
                transport.events.writable();
                progress = true;
            }
            if (transport.readable()) {
                transport.events.readable();
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
            if (message instanceof ByteBuffer) {
                ByteBuffer in = (ByteBuffer) message;
                byte[] copy = new byte[in.remaining()];
                in.get(copy);
                received.addLast(copy);
            } else {
                received.addLast(message);
            }
        }

        @Override
        public void inputClosed(HandlerContext ctx) {
            events.add("inputClosed");
            ctx.fireInputClosed();
        }

        @Override
        public void writabilityChanged(HandlerContext ctx, boolean writable) {
            events.add("writable:" + writable);
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
