package io.switchboard.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;
import jdk.jfr.StackTrace;

/** A TCP connection was accepted by a server or connected by a client; committed on its loop. */
@Name("io.switchboard.ConnectionOpened")
@Label("Connection Opened")
@Category("Switchboard")
@Description("A TCP connection was accepted by a server, or connected by a client, and registered with its loop")
@StackTrace(false)
@Registered(false)
public final class ConnectionOpenedEvent extends jdk.jfr.Event {
    /** The peer's address. */
    @Label("Remote Address")
    public String remoteAddress;

    /** Our address. */
    @Label("Local Address")
    public String localAddress;

    /** True for a connection a server accepted, false for one a client opened. */
    @Label("Accepted")
    public boolean accepted;

    /** An event to fill in and commit. */
    public ConnectionOpenedEvent() {
        // fields are set by the emitting code
    }
}
