package io.switchboard.udp;

import io.switchboard.internal.BufferPool;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.MessageTransport;
import io.switchboard.pipeline.ProtocolException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datagram end of an endpoint's connection: reads batches of datagrams into the loop's read buffer and hands
 * each on as a {@link Datagram}, sends what the pipeline writes, queues (within bounds) what the socket has no room
 * for, and counts everything it drops. The socket itself is a {@link DatagramPort}, so tests run this same code
 * over memory.
 *
 * <p>Receiving: each datagram is read into the loop's read buffer limited to one byte more than
 * {@link DatagramConfig#maxDatagramSize()}; the system cuts a longer datagram short without a word, so a datagram
 * that fills that limit was too long, and is counted and dropped. Nothing is allocated per datagram: the buffer is
 * the loop's and the {@link Datagram} is one object reused.
 *
 * <p>Sending: a datagram written leaves at once, straight from the writer's buffer (the loop's read buffer, for an
 * echo: no copy at all). Only when the socket's send buffer is full is it copied and queued, up to
 * {@link DatagramConfig#maxQueuedDatagrams()} and {@link DatagramConfig#maxQueuedBytes()}, its bytes reserved from
 * the memory budget; past either bound, or with the budget spent, it is dropped and counted. The queue drains when
 * the socket has room again. Datagrams leave in the order written.
 *
 * <p>Loop thread only, except the thread-safe methods of {@link io.switchboard.pipeline.MessageTransport}.
 */
final class DatagramTransport implements MessageTransport {
    private static final Logger log = LoggerFactory.getLogger(DatagramTransport.class);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final EventLoop loop;
    private final DatagramPort port;
    private final DatagramConfig config;
    private final MemoryBudget budget;
    private final BufferPool buffers;
    /** Used instead of the loop's read buffer when that one is too small for the largest datagram plus one byte. */
    private final ByteBuffer ownBuffer;
    private final Counters counters = new Counters();
    private final Datagram inbound = Datagram.reusable();
    private final SendQueue queue = new SendQueue();
    /** The sender of the datagram being handled: plain bytes written meanwhile go back to it. */
    private InetSocketAddress replyTo;
    private Events events;
    private boolean wantRead;
    private boolean closed;
    private long lastWarning;
    private long errorsAtLastWarning;
    private boolean warnedOnce;

    DatagramTransport(EventLoop loop, DatagramPort port, DatagramConfig config, MemoryBudget budget) {
        this.loop = loop;
        this.port = port;
        this.config = config;
        this.budget = budget;
        this.buffers = BufferPool.of(loop);
        this.ownBuffer = buffers.readBuffer().capacity() > config.maxDatagramSize()
                ? null : ByteBuffer.allocateDirect(config.maxDatagramSize() + 1);
    }

    DatagramStats stats() {
        return counters.snapshot();
    }

    DatagramPort port() {
        return port;
    }

    @Override
    public void start(Events events) throws IOException {
        assert loop.inLoop();
        this.events = events;
        port.start(new Events() {
            @Override
            public void readable() {
                events.readable();
            }

            @Override
            public void writable() {
                drain();
            }

            @Override
            public void loopClosing() {
                events.loopClosing();
            }
        });
    }

    @Override
    public int receive(Inbound deliver) throws IOException {
        assert loop.inLoop();
        int max = config.maxDatagramSize();
        int delivered = 0;
        InetSocketAddress local = port.localAddress();
        for (int i = 0; i < config.receiveBatch(); i++) {
            ByteBuffer buffer = ownBuffer != null ? ownBuffer.clear() : buffers.readBuffer();
            buffer.limit(max + 1);
            InetSocketAddress sender;
            try {
                sender = port.receive(buffer);
            } catch (PortUnreachableException e) {
                // An ICMP error for an earlier send on a connected port: that send failed, the port is fine.
                sendFailed(e, port.remoteAddress());
                continue;
            }
            if (sender == null) {
                break;
            }
            int size = buffer.position();
            if (size > max) {
                counters.add(Counters.OVERSIZED, 1);
                log.debug("{}: datagram from {} larger than {} bytes dropped", this, sender, max);
                continue;
            }
            counters.add(Counters.RECEIVED, 1);
            counters.add(Counters.RECEIVED_BYTES, size);
            buffer.flip();
            inbound.set(buffer, sender, local);
            replyTo = sender;
            boolean more;
            try {
                more = deliver.deliver(inbound);
            } finally {
                replyTo = null;
                inbound.set(null, null, null);
            }
            delivered++;
            if (!more) {
                break;
            }
        }
        return delivered;
    }

    @Override
    public boolean send(Object message) {
        assert loop.inLoop();
        ByteBuffer content;
        InetSocketAddress target;
        if (message instanceof ByteBuffer) {
            content = (ByteBuffer) message;
            target = defaultTarget();
        } else if (message instanceof byte[]) {
            content = ByteBuffer.wrap((byte[]) message);
            target = defaultTarget();
        } else if (message instanceof Datagram) {
            Datagram datagram = (Datagram) message;
            if (datagram.sender() != null) {
                throw new IllegalArgumentException("a received datagram cannot be written as it is (it would go to"
                        + " this endpoint's own address): write its content() to answer its sender, or"
                        + " Datagram.to(address, content)");
            }
            content = datagram.content();
            target = datagram.recipient();
        } else {
            throw new IllegalArgumentException("cannot send " + (message == null ? "null" : message.getClass().getName())
                    + " as a datagram: add an encoder that turns it into a Datagram, ByteBuffer or byte[]");
        }
        if (closed) {
            content.position(content.limit());
            counters.add(Counters.DROPPED, 1);
            return false;
        }
        if (!queue.isEmpty()) {
            return enqueue(content, target);
        }
        int size = content.remaining();
        try {
            if (port.send(content, target)) {
                counters.add(Counters.SENT, 1);
                counters.add(Counters.SENT_BYTES, size);
                return true;
            }
        } catch (IOException e) {
            content.position(content.limit());
            sendFailed(e, target);
            return false;
        }
        return enqueue(content, target);
    }

    /** Where plain bytes go: the connected peer (null for the port), else the sender of the datagram being handled. */
    private InetSocketAddress defaultTarget() {
        if (port.remoteAddress() != null) {
            return null;
        }
        if (replyTo == null) {
            throw new IllegalArgumentException("bytes written with no recipient: plain bytes answer the datagram being"
                    + " handled (on the loop, during its read) or go to the peer of a connected endpoint; write"
                    + " Datagram.to(address, content) to send anywhere else");
        }
        return replyTo;
    }

    /** The socket has no room: copy and queue within the bounds and the budget, or drop and count. */
    private boolean enqueue(ByteBuffer content, InetSocketAddress target) {
        int size = content.remaining();
        if (queue.size() >= config.maxQueuedDatagrams() || queue.bytes() + size > config.maxQueuedBytes()
                || !budget.tryReserve(size)) {
            content.position(content.limit());
            counters.add(Counters.DROPPED, 1);
            return false;
        }
        boolean wasEmpty = queue.isEmpty();
        queue.add(content, target);
        counters.add(Counters.QUEUED, 1);
        counters.add(Counters.QUEUED_BYTES, size);
        if (wasEmpty) {
            port.interest(wantRead, true);
        }
        return true;
    }

    /** The socket has room again: send what is queued, in order, until it is full again or all is sent. */
    private void drain() {
        assert loop.inLoop();
        SendQueue.Pending head;
        while ((head = queue.peek()) != null) {
            try {
                if (!port.send(head.content(), head.target())) {
                    return;
                }
                counters.add(Counters.SENT, 1);
                counters.add(Counters.SENT_BYTES, head.size());
            } catch (IOException e) {
                sendFailed(e, head.target());
            }
            unqueueHead();
        }
        if (!closed) {
            port.interest(wantRead, false);
        }
    }

    private void unqueueHead() {
        int size = queue.peek().size();
        queue.poll();
        budget.release(size);
        counters.add(Counters.QUEUED, -1);
        counters.add(Counters.QUEUED_BYTES, -size);
    }

    private void sendFailed(IOException e, SocketAddress target) {
        counters.add(Counters.SEND_ERRORS, 1);
        log.debug("{}: datagram to {} not sent: {}", this, target, e.toString());
    }

    @Override
    public Object ownedCopy(Object message) {
        if (message instanceof ByteBuffer) {
            ByteBuffer src = (ByteBuffer) message;
            byte[] copy = new byte[src.remaining()];
            src.get(copy);
            return copy;
        }
        if (message instanceof byte[]) {
            return ((byte[]) message).clone();
        }
        if (message instanceof Datagram && ((Datagram) message).sender() == null) {
            Datagram datagram = (Datagram) message;
            ByteBuffer src = datagram.content();
            byte[] copy = new byte[src.remaining()];
            src.get(copy);
            return Datagram.to(datagram.recipient(), copy);
        }
        return message;
    }

    @Override
    public long weight(Object owned) {
        if (owned instanceof byte[]) {
            return ((byte[]) owned).length;
        }
        if (owned instanceof Datagram) {
            return ((Datagram) owned).content().remaining();
        }
        return 0;
    }

    @Override
    public void droppedFromOtherThread() {
        counters.droppedFromOtherThread();
    }

    /**
     * A handler threw, a codec refused a datagram, or receiving failed: one peer's bad datagram must not close an
     * endpoint that serves every peer. Count it, log it at most once a minute (at debug in between), carry on. Only
     * a closed channel closes the endpoint.
     */
    @Override
    public boolean failed(Throwable cause) {
        if (closed || cause instanceof ClosedChannelException) {
            return false;
        }
        counters.add(Counters.ERRORS, 1);
        long now = loop.nanoTime();
        if (warnedOnce && now - lastWarning < WARNING_INTERVAL_NANOS) {
            log.debug("{}: {}", this, cause.toString());
            return true;
        }
        long errors = counters.snapshot().errors();
        String since = warnedOnce ? " (" + (errors - errorsAtLastWarning) + " errors since the last warning)" : "";
        warnedOnce = true;
        lastWarning = now;
        errorsAtLastWarning = errors;
        if (cause instanceof IOException) {
            log.debug("{}: {}{}", this, cause.toString(), since);
        } else if (cause instanceof ProtocolException) {
            log.info("{}: datagram refused: {}{}; logged at most once a minute", this, cause.getMessage(), since);
        } else {
            log.warn("{}: unhandled error in a handler; the endpoint carries on{}; logged at most once a minute",
                    this, since, cause);
        }
        return true;
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new UnsupportedOperationException("a datagram transport is read with receive");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("a datagram transport is written with send");
    }

    @Override
    public void interest(boolean read, boolean write) {
        wantRead = read;
        if (!closed) {
            port.interest(read, !queue.isEmpty());
        }
    }

    /** Datagrams have no half-close: nothing to send. The connection drops what is written afterwards. */
    @Override
    public void shutdownOutput() {
    }

    /** Sends what the socket takes of the queue now, drops (and counts) the rest, and closes the port. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        drain();
        abort();
    }

    /** Drops (and counts) whatever is queued and closes the port. */
    @Override
    public void abort() {
        if (closed) {
            return;
        }
        closed = true;
        while (!queue.isEmpty()) {
            counters.add(Counters.DROPPED, 1);
            unqueueHead();
        }
        port.close();
    }

    @Override
    public InetSocketAddress localAddress() {
        return port.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return port.remoteAddress();
    }

    @Override
    public String toString() {
        return port.toString();
    }
}
