package io.switchboard.bench;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.tls.TlsHandshakeCompleted;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the first TLS handshake a load generator's connections completed, so that the run can print the protocol
 * and cipher suite it measured; passes every event on. One per run, in every connection's pipeline (it keeps no
 * per-connection state): thread-safe.
 */
final class NegotiatedTls implements Handler {
    private final AtomicReference<TlsHandshakeCompleted> first = new AtomicReference<>();

    @Override
    public void userEvent(HandlerContext ctx, Object event) {
        if (event instanceof TlsHandshakeCompleted completed && first.get() == null) {
            first.compareAndSet(null, completed);
        }
        ctx.fireUserEvent(event);
    }

    /** {@return "TLSv1.3 TLS_AES_256_GCM_SHA384", or "no TLS handshake completed"} */
    String describe() {
        TlsHandshakeCompleted c = first.get();
        return c == null ? "no TLS handshake completed" : c.protocol() + " " + c.cipherSuite();
    }
}
