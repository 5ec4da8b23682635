package io.switchboard.tls;

import io.switchboard.internal.jfr.FlightEvents;
import io.switchboard.internal.jfr.TlsHandshakeEvent;
import io.switchboard.pipeline.HandlerContext;

/**
 * The JFR side of a TLS handshake: a {@link TlsHandshakeEvent} begun when the connection opens and committed when the
 * handshake ends, only while a recording runs (otherwise no event object is made). Loop thread only.
 */
final class HandshakeRecording {
    private HandshakeRecording() {
    }

    /** {@return a begun event while a recording runs, else null} */
    static TlsHandshakeEvent begin() {
        if (!FlightEvents.tlsHandshake()) {
            return null;
        }
        TlsHandshakeEvent e = new TlsHandshakeEvent();
        e.begin();
        return e;
    }

    /** Commits {@code e} (null: nothing to do) for a handshake that completed with {@code done}. */
    static void completed(TlsHandshakeEvent e, HandlerContext ctx, boolean client, TlsHandshakeCompleted done) {
        if (e == null || !e.shouldCommit()) {
            return;
        }
        e.protocol = FlightEvents.text(done.protocol());
        e.cipherSuite = FlightEvents.text(done.cipherSuite());
        e.alpn = FlightEvents.text(done.applicationProtocol());
        e.serverName = FlightEvents.text(done.serverName());
        commit(e, ctx, client, "completed", "");
    }

    /** Commits {@code e} (null: nothing to do) for a handshake that ended otherwise: failed, timed out or closed. */
    static void ended(TlsHandshakeEvent e, HandlerContext ctx, boolean client, String outcome, String failure) {
        if (e == null || !e.shouldCommit()) {
            return;
        }
        e.protocol = "";
        e.cipherSuite = "";
        e.alpn = "";
        e.serverName = "";
        commit(e, ctx, client, outcome, failure);
    }

    private static void commit(TlsHandshakeEvent e, HandlerContext ctx, boolean client, String outcome, String failure) {
        e.remoteAddress = FlightEvents.text(ctx.connection().remoteAddress());
        e.client = client;
        e.outcome = outcome;
        e.failure = FlightEvents.text(failure);
        e.commit();
    }
}
