package io.switchboard.tls;

import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Runs a handshake between a client engine and a server engine in memory: wraps on one side, unwraps on the
 * other, runs delegated tasks inline, until both finished or neither can move (at most 200 rounds). After a
 * failure the failing side's alert is still delivered, so both sides usually report one.
 */
final class EnginePump {
    private static final int ROUNDS = 200;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private EnginePump() {
    }

    /**
     * What a handshake ended with.
     *
     * @param client the client engine's exception, or null
     * @param server the server engine's exception, or null
     */
    record Outcome(SSLException client, SSLException server) {
        boolean ok() {
            return client == null && server == null;
        }

        @Override
        public String toString() {
            return "client: " + client + ", server: " + server;
        }
    }

    /** {@return the outcome of a handshake between two fresh engines} */
    static Outcome handshake(SSLEngine client, SSLEngine server) {
        Side c = new Side(client);
        Side s = new Side(server);
        try {
            client.beginHandshake();
            server.beginHandshake();
        } catch (SSLException e) {
            throw new AssertionError("beginHandshake failed", e);
        }
        for (int round = 0; round < ROUNDS; round++) {
            boolean moved = c.step(s.out, c.out) | s.step(c.out, s.out);
            if (c.done() && s.done() && c.out.position() == 0 && s.out.position() == 0) {
                break;
            }
            if (!moved) {
                break;
            }
        }
        if (c.error == null && s.error == null && !(c.done() && s.done())) {
            throw new AssertionError("handshake stalled: client " + client.getHandshakeStatus() + ", server " + server.getHandshakeStatus());
        }
        return new Outcome(c.error, s.error);
    }

    /** {@return the certificate the client engine saw from the server, after a handshake} */
    static X509Certificate serverCertificate(SSLEngine client) {
        try {
            return (X509Certificate) client.getSession().getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException e) {
            throw new AssertionError("no server certificate", e);
        }
    }

    /** Runs a handshake between two fresh engines and fails the test when it did not succeed. */
    static void succeed(SSLEngine client, SSLEngine server) {
        Outcome outcome = handshake(client, server);
        if (!outcome.ok()) {
            throw new AssertionError("handshake failed: " + outcome, outcome.client() != null ? outcome.client() : outcome.server());
        }
    }

    private static final class Side {
        final SSLEngine engine;
        /** Bytes this side produced, not yet read by the other side (write mode). */
        final ByteBuffer out = ByteBuffer.allocate(1 << 16);
        final ByteBuffer app = ByteBuffer.allocate(1 << 16);
        SSLException error;

        Side(SSLEngine engine) {
            this.engine = engine;
        }

        boolean done() {
            HandshakeStatus hs = engine.getHandshakeStatus();
            return error == null && (hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED);
        }

        boolean step(ByteBuffer in, ByteBuffer out) {
            try {
                if (error != null) {
                    return flushAlert(out);
                }
                HandshakeStatus hs = engine.getHandshakeStatus();
                switch (hs) {
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                        return true;
                    }
                    case NEED_WRAP -> {
                        SSLEngineResult r = engine.wrap(EMPTY, out);
                        return r.bytesProduced() > 0 || r.getHandshakeStatus() != hs;
                    }
                    default -> {
                        if (in.position() == 0) {
                            return false;
                        }
                        in.flip();
                        SSLEngineResult r = engine.unwrap(in, app);
                        in.compact();
                        app.clear();
                        return r.bytesConsumed() > 0 || r.getHandshakeStatus() != hs;
                    }
                }
            } catch (SSLException e) {
                error = e;
                return true;
            }
        }

        private boolean flushAlert(ByteBuffer out) {
            boolean produced = false;
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                try {
                    produced |= engine.wrap(EMPTY, out).bytesProduced() > 0;
                } catch (SSLException e) {
                    break;
                }
            }
            return produced;
        }
    }
}
