package io.switchboard.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;
import jdk.jfr.StackTrace;

/** A WebSocket session, from its open to its close (an instant event at the close when it opened before the recording). */
@Name("io.switchboard.WebSocketSession")
@Label("WebSocket Session")
@Category({"Switchboard", "WebSocket"})
@Description("A WebSocket session, from the handler's onOpen to its onClose")
@StackTrace(false)
@Registered(false)
public final class WebSocketSessionEvent extends jdk.jfr.Event {
    /** The peer's address. */
    @Label("Remote Address")
    public String remoteAddress;

    /** True when this side is the client. */
    @Label("Client")
    public boolean client;

    /** The subprotocol agreed, or empty. */
    @Label("Subprotocol")
    public String subprotocol;

    /** True when permessage-deflate was agreed. */
    @Label("Compressed")
    public boolean compressed;

    /** The close status the handler was told. */
    @Label("Close Status")
    public int closeStatus;

    /** The close reason the handler was told. */
    @Label("Close Reason")
    public String closeReason;

    /** An event to fill in and commit. */
    public WebSocketSessionEvent() {
        // fields are set by the emitting code
    }
}
