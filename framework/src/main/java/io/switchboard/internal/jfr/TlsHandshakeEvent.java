package io.switchboard.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;
import jdk.jfr.StackTrace;

/** A TLS handshake, from the connection's open to its completion, failure or timeout. */
@Name("io.switchboard.TlsHandshake")
@Label("TLS Handshake")
@Category({"Switchboard", "TLS"})
@Description("A TLS handshake, from the connection's open to its end")
@StackTrace(false)
@Registered(false)
public final class TlsHandshakeEvent extends jdk.jfr.Event {
    /** The peer's address. */
    @Label("Remote Address")
    public String remoteAddress;

    /** True when this side is the client. */
    @Label("Client")
    public boolean client;

    /** {@code completed}, {@code failed}, {@code timed out} or {@code closed} (the connection closed first). */
    @Label("Outcome")
    public String outcome;

    /** The failure's message, or empty. */
    @Label("Failure")
    public String failure;

    /** The protocol agreed (TLSv1.3, say), or empty. */
    @Label("Protocol")
    public String protocol;

    /** The cipher suite agreed, or empty. */
    @Label("Cipher Suite")
    public String cipherSuite;

    /** The ALPN protocol agreed, or empty. */
    @Label("ALPN Protocol")
    public String alpn;

    /** The SNI host name, or empty. */
    @Label("Server Name")
    public String serverName;

    /** An event to fill in and commit. */
    public TlsHandshakeEvent() {
        // fields are set by the emitting code
    }
}
