package io.switchboard.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A TCP connection closed: how long it lived, what crossed it and why it ended. An instant event on the loop that
 * closed it (a connection's life is not time its loop spent on it), with the life as a field.
 */
@Name("io.switchboard.ConnectionClosed")
@Label("Connection Closed")
@Category("Switchboard")
@Description("A TCP connection closed: its life, the bytes it carried and why it ended")
@StackTrace(false)
@Registered(false)
public final class ConnectionClosedEvent extends jdk.jfr.Event {
    /** The peer's address. */
    @Label("Remote Address")
    public String remoteAddress;

    /** Our address. */
    @Label("Local Address")
    public String localAddress;

    /** True for a connection a server accepted, false for one a client opened. */
    @Label("Accepted")
    public boolean accepted;

    /** From the open to the close, on the loop's clock. */
    @Label("Lifetime")
    @Timespan(Timespan.NANOSECONDS)
    public long lifetime;

    /** Bytes read from the socket. */
    @Label("Bytes In")
    @DataAmount(DataAmount.BYTES)
    public long bytesIn;

    /** Bytes the socket took from us. */
    @Label("Bytes Out")
    @DataAmount(DataAmount.BYTES)
    public long bytesOut;

    /**
     * Why it closed: {@code peer closed} (its FIN came first), {@code closed} (closed on this side), {@code reset}
     * (reset on this side: a limit, a timeout, an abort), {@code error: ...} (a read or write failed, the message
     * says how), {@code loop stopped}.
     */
    @Label("Reason")
    public String reason;

    /** An event to fill in and commit. */
    public ConnectionClosedEvent() {
        // fields are set by the emitting code
    }
}
