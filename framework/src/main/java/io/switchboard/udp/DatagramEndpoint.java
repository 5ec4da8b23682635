package io.switchboard.udp;

import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.AttributeKey;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One datagram socket on one loop, with its pipeline. It runs as a {@link Connection} (the same pipeline, handlers,
 * threading and attributes as a stream connection), whose messages are datagrams:
 *
 * <pre>
 *   socket ──receive──▶ [head] ─▶ Datagram ─▶ decoder ─▶ … ─▶ application     one datagram per read
 *   socket ◀──send───── [head] ◀─ Datagram, ByteBuffer, byte[] ◀─ encoder ◀─ … ◀─ application
 * </pre>
 *
 * <p>Each datagram arrives whole, as a borrowed {@link Datagram} with its sender; a codec decodes it whole (there is
 * no stream to frame). Plain bytes written while a datagram is handled answer its sender; a connected endpoint's go
 * to its peer; {@link Datagram#to} sends anywhere. See {@link DatagramTransport} for the batches, the size limit,
 * the bounded send queue and what is counted in {@link #stats()}. An error that reaches the end of the pipeline is
 * counted and logged (at most once a minute) and the endpoint carries on: one peer's bad datagram does not close an
 * endpoint that serves them all. {@link Connection#close()} closes it.
 *
 * <p>Thread-safe, as its connection is: {@link #send} and the connection's writes may be called from any thread
 * (queued to the loop; plain bytes then need a connected endpoint, since no datagram is being handled).
 */
public final class DatagramEndpoint {
    private static final AttributeKey<DatagramEndpoint> ENDPOINT = AttributeKey.of("datagram endpoint");

    private final DatagramTransport transport;
    private final Connection connection;

    private DatagramEndpoint(DatagramTransport transport, Connection connection) {
        this.transport = transport;
        this.connection = connection;
    }

    /**
     * Opens an endpoint over {@code port} on {@code loop}: builds its pipeline with {@code initializer}, starts the
     * port and fires {@code connected}. The bootstraps ({@link DatagramServer}, {@link DatagramClient}) call it; so
     * do tests, over a port in memory. Loop thread only.
     *
     * @param loop        the loop that runs the endpoint; the caller must be on it
     * @param port        the socket, or memory
     * @param config      the endpoint's limits
     * @param budget      the process-wide budget its queued datagrams count against
     * @param initializer adds the endpoint's handlers to its new pipeline
     * @return the endpoint; its connection is already closed (and the failure logged) when the initializer or the
     *         port failed
     */
    public static DatagramEndpoint open(EventLoop loop, DatagramPort port, DatagramConfig config, MemoryBudget budget,
                                        Consumer<Pipeline> initializer) {
        assert loop.inLoop();
        DatagramTransport transport = new DatagramTransport(loop, port, config, budget);
        DatagramEndpoint[] made = new DatagramEndpoint[1];
        Connection connection = Connection.open(loop, transport, config.connection(), budget, p -> {
            p.connection().attr(ENDPOINT, made[0] = new DatagramEndpoint(transport, p.connection()));
            initializer.accept(p);
        });
        return made[0] != null ? made[0] : new DatagramEndpoint(transport, connection);
    }

    /**
     * The endpoint a connection runs, for a handler that has only its context.
     *
     * @param connection a connection
     * @return its endpoint, or null when it is a stream connection
     */
    public static DatagramEndpoint of(Connection connection) {
        return connection.attr(ENDPOINT);
    }

    /** {@return the connection the endpoint runs as: its pipeline, writes, close, attributes} */
    public Connection connection() {
        return connection;
    }

    /** {@return the endpoint's socket (or memory), for tests in this package} */
    DatagramPort port() {
        return transport.port();
    }

    /** {@return the endpoint's loop} */
    public EventLoop loop() {
        return connection.loop();
    }

    /** {@return the bound local address (with the real port when 0 was asked for)} */
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    /** {@return the peer of a connected endpoint, or null} */
    public InetSocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    /** {@return what the endpoint has received, sent and dropped so far} Thread-safe. */
    public DatagramStats stats() {
        return transport.stats();
    }

    /**
     * Sends {@code datagram} through the whole pipeline (from its application end). Thread-safe; from another
     * thread its bytes are copied before this returns.
     *
     * @param datagram the datagram, made by {@link Datagram#to}
     */
    public void send(Datagram datagram) {
        connection.write(datagram);
    }

    /**
     * Sends {@code content} to {@code recipient}; see {@link #send(Datagram)}.
     *
     * @param recipient where to send it
     * @param content   its bytes, from position to limit
     */
    public void send(InetSocketAddress recipient, ByteBuffer content) {
        send(Datagram.to(recipient, content));
    }

    /**
     * Sends {@code content} to {@code recipient}; see {@link #send(Datagram)}.
     *
     * @param recipient where to send it
     * @param content   its bytes
     */
    public void send(InetSocketAddress recipient, byte[] content) {
        send(Datagram.to(recipient, content));
    }

    /**
     * Joins the multicast {@code group} on {@code networkInterface}; see {@link DatagramPort#join}. Thread-safe.
     *
     * @param group            a multicast address of the endpoint's protocol family
     * @param networkInterface the interface to join on
     * @throws IOException when the system refuses
     */
    public void join(InetAddress group, NetworkInterface networkInterface) throws IOException {
        transport.port().join(group, networkInterface);
    }

    /**
     * Leaves a group joined with {@link #join}. Thread-safe.
     *
     * @param group            the multicast address
     * @param networkInterface the interface it was joined on
     */
    public void leave(InetAddress group, NetworkInterface networkInterface) {
        transport.port().leave(group, networkInterface);
    }

    /** Closes the endpoint: what the socket takes of the send queue now is sent, the rest dropped. Thread-safe. */
    public void close() {
        connection.close();
    }

    /** {@return a future that completes when the endpoint is closed} */
    public CompletableFuture<Void> closeFuture() {
        return connection.closeFuture();
    }

    @Override
    public String toString() {
        return transport.toString();
    }
}
