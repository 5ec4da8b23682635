package io.switchboard.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * One HTTP request, from the read of its head to the moment its whole answer was handed to the connection (on the
 * connection's loop; a handler that answers later, from another thread or a timer, makes the span longer than the
 * loop's work on it).
 *
 * <p>Recorded from {@value #DEFAULT_THRESHOLD} by default, as the JDK records its socket and file reads only from a
 * threshold: committing an event costs about as much as a few percent of a plaintext request's CPU, so a recording
 * that kept every request would cost a busy server more than the 3 % an always-on recording may. A request under the
 * threshold costs the event object and two clock reads. {@code io.switchboard.HttpRequest#threshold=0 ms} in a
 * recording's settings records every request.
 */
@Name("io.switchboard.HttpRequest")
@Label("HTTP Request")
@Category({"Switchboard", "HTTP"})
@Description("An HTTP request, from its head read to its answer handed to the connection")
@StackTrace(false)
@Threshold(HttpRequestEvent.DEFAULT_THRESHOLD)
@Registered(false)
public final class HttpRequestEvent extends jdk.jfr.Event {
    /** The shortest request recorded unless a recording's settings say otherwise. */
    public static final String DEFAULT_THRESHOLD = "10 ms";

    /** The method, or empty for input refused before it made a request line. */
    @Label("Method")
    public String method;

    /** The route that served it (its pattern), or empty when no route matched or the handler has no routes. */
    @Label("Route")
    public String route;

    /** The path of the request target, without the query. */
    @Label("Path")
    public String path;

    /** The answer's status. */
    @Label("Status")
    public int status;

    /** Bytes of the request body. */
    @Label("Request Body")
    @DataAmount(DataAmount.BYTES)
    public long requestBytes;

    /** Bytes of the answer's body (0 for HEAD, 204, 304). */
    @Label("Response Body")
    @DataAmount(DataAmount.BYTES)
    public long responseBytes;

    /** The peer's address. */
    @Label("Remote Address")
    public String remoteAddress;

    /** An event to fill in and commit. */
    public HttpRequestEvent() {
        // fields are set by the emitting code
    }
}
