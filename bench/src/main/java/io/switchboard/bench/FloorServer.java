package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor: the least a Java NIO server can do per request or message, so that no framework can beat it.
 * One thread, one selector for the listener and every connection, one direct read buffer, no pipeline, no
 * allocation per request. What each connection does with its bytes is a {@link Protocol}
 * ({@link FloorHttp}, {@link FloorEcho}). Thread-safe ({@link #close()} from any thread).
 */
final class FloorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FloorServer.class);

    /** What one connection does when its socket is ready. One instance per connection; selector thread only. */
    interface Protocol {
        /**
         * The socket is readable or writable.
         *
         * @param key  the connection's key; its attachment is this protocol
         * @param read the selector thread's read buffer, cleared, to be used within this call only
         * @throws IOException on a socket error; the connection is then closed
         */
        void ready(SelectionKey key, ByteBuffer read) throws IOException;
    }

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Function<SocketChannel, Protocol> protocols;
    private final Thread thread;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean stopping;

    private FloorServer(Selector selector, ServerSocketChannel listener, Function<SocketChannel, Protocol> protocols,
                        String name) {
        this.selector = selector;
        this.listener = listener;
        this.protocols = protocols;
        this.thread = new Thread(this::run, name);
    }

    /** Binds {@code host:port} (0 for any free port) and starts the selector thread. */
    static FloorServer start(String host, int port, String name, Function<SocketChannel, Protocol> protocols)
            throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.bind(new InetSocketAddress(host, port), 4096);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            listener.close();
            selector.close();
            throw e;
        }
        FloorServer server = new FloorServer(selector, listener, protocols, name);
        server.thread.start();
        return server;
    }

    /** The bound address. */
    InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("listener closed", e);
        }
    }

    /** Completes once the selector thread has stopped. */
    CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /** Stops the thread, closing every connection, and waits for it. */
    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        ByteBuffer read = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (!stopping) {
                selector.select();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.channel() == listener) {
                        accept();
                        continue;
                    }
                    try {
                        read.clear();
                        ((Protocol) key.attachment()).ready(key, read);
                    } catch (IOException e) {
                        log.debug("closing {}: {}", key.channel(), e.toString());
                        closeQuietly(key);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("floor server loop failed", e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
            try {
                selector.close();
            } catch (IOException e) {
                log.debug("closing the selector", e);
            }
            closed.complete(null);
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ, protocols.apply(channel));
        }
    }

    /**
     * Writes what is left of {@code pending}, bytes an earlier write could not; once they are all written, the key
     * waits to read again.
     *
     * @return true when all of {@code pending} is written
     */
    static boolean writePending(SelectionKey key, SocketChannel channel, ByteBuffer pending) throws IOException {
        channel.write(pending);
        if (pending.hasRemaining()) {
            return false;
        }
        key.interestOps(SelectionKey.OP_READ);
        return true;
    }

    /**
     * Writes {@code out}; what the socket does not take is copied into a buffer of its own, returned for
     * {@link #writePending}, and the key waits to write instead of reading until it is written.
     *
     * @return the bytes still to write, or null when the socket took them all
     */
    static ByteBuffer writeOrKeep(SelectionKey key, SocketChannel channel, ByteBuffer out) throws IOException {
        channel.write(out);
        if (!out.hasRemaining()) {
            return null;
        }
        key.interestOps(SelectionKey.OP_WRITE);
        return ByteBuffer.allocate(out.remaining()).put(out).flip();
    }

    /** Closes the key's channel, ignoring errors. */
    static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            log.debug("closing {}", key.channel(), e);
        }
    }
}
