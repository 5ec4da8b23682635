package io.switchboard.tls;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import io.switchboard.testing.EmbeddedConnection;
import java.util.function.Consumer;

/**
 * A TLS client stage and a TLS server stage on two embedded connections, and the wire between them: {@link #pump}
 * moves what each side wrote to the other, cut the way a {@link Cut} says, until neither side writes more.
 */
final class TlsPair {
    /** How bytes in flight are cut into reads. */
    interface Cut {
        void deliver(byte[] bytes, EmbeddedConnection to);

        /** {@return all at once} */
        static Cut whole() {
            return (bytes, to) -> to.feed(bytes);
        }

        /** {@return in two reads, the first of {@code at} bytes (or all, when shorter)} */
        static Cut at(int at) {
            return (bytes, to) -> {
                if (bytes.length <= at) {
                    to.feed(bytes);
                } else {
                    to.feed(bytes, 0, at).feed(bytes, at, bytes.length - at);
                }
            };
        }

        /**
         * {@return reads cut at {@code first}, {@code first + stride}, {@code first + 2 * stride}, …: run with every
         * {@code first} from 1 to {@code stride}, every byte of every transfer is a cut point in one of the runs}
         */
        static Cut every(int stride, int first) {
            return (bytes, to) -> {
                int from = 0;
                for (int at = first; at < bytes.length; at += stride) {
                    to.feed(bytes, from, at - from);
                    from = at;
                }
                to.feed(bytes, from, bytes.length - from);
            };
        }

        /** {@return one byte per read} */
        static Cut oneByte() {
            return (bytes, to) -> {
                for (int i = 0; i < bytes.length; i++) {
                    to.feed(bytes, i, 1);
                }
            };
        }
    }

    final EmbeddedConnection client;
    final EmbeddedConnection server;
    final TlsHandler clientTls;
    final TlsHandler serverTls;
    /** The longest single transfer {@link #pump} has moved so far, either way. */
    int longestTransfer;

    TlsPair(TlsClientContext clientContext, int port, TlsServerContext serverContext, Consumer<Pipeline> clientHandlers,
            Consumer<Pipeline> serverHandlers) {
        this(clientContext, port, serverContext, clientHandlers, serverHandlers, 64 * 1024, new MemoryBudget(Long.MAX_VALUE));
    }

    /** As the other constructor, with the server's read buffer size and memory budget. */
    TlsPair(TlsClientContext clientContext, int port, TlsServerContext serverContext, Consumer<Pipeline> clientHandlers,
            Consumer<Pipeline> serverHandlers, int serverReadBuffer, MemoryBudget serverBudget) {
        this.clientTls = TlsHandler.client(clientContext, "localhost", port);
        this.serverTls = TlsHandler.server(serverContext);
        this.server = new EmbeddedConnection(ConnectionConfig.DEFAULTS, serverReadBuffer, serverBudget, p -> {
            p.add(serverTls);
            serverHandlers.accept(p);
        });
        this.client = new EmbeddedConnection(p -> {
            p.add(clientTls);
            clientHandlers.accept(p);
        });
    }

    /** Moves bytes both ways, whole, until neither side writes more. */
    TlsPair pump() {
        return pump(Cut.whole());
    }

    /** Moves bytes both ways, cut by {@code cut}, until neither side writes more. */
    TlsPair pump(Cut cut) {
        for (int round = 0; round < 100; round++) {
            client.runPending();
            server.runPending();
            byte[] toServer = client.takeWritten();
            byte[] toClient = server.takeWritten();
            if (toServer.length == 0 && toClient.length == 0) {
                return this;
            }
            longestTransfer = Math.max(longestTransfer, Math.max(toServer.length, toClient.length));
            if (toServer.length > 0) {
                cut.deliver(toServer, server);
            }
            if (toClient.length > 0) {
                cut.deliver(toClient, client);
            }
        }
        throw new AssertionError("the two sides kept writing for 100 rounds");
    }

    /** Echoes every read back, without flushing: the connection's end-of-batch flush carries it. */
    static final class Echo implements Handler {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.write(message);
        }
    }

    /** The fixtures' contexts: a P-256 certificate for localhost issued by the test CA, trusted by the client. */
    static TlsServerContext ecServer(String... protocols) {
        TlsServerConfig.Builder b = TlsServerConfig.builder().identity(Fixtures.identity("ec.pem", "ec-pkcs8.key"));
        if (protocols.length > 0) {
            b.protocols(protocols);
        }
        return TlsServerContext.create(b.build());
    }

    static TlsClientContext trustingClient(String... protocols) {
        TlsClientConfig.Builder b = TlsClientConfig.builder().trust(Fixtures.caTrust());
        if (protocols.length > 0) {
            b.protocols(protocols);
        }
        return TlsClientContext.create(b.build());
    }
}
