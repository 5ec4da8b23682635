package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * What routing itself allocates, counted by the JVM for this thread: nothing for an exact route (the path is the
 * request's, looked up as it is), the parameters' values for a route with parameters. The request, its path and the
 * answer are made once, outside the count, so only the router's own work is measured.
 */
class RoutesAllocationTest {
    private static final int REQUESTS = 10_000;
    private static final HttpResponse OK = HttpResponse.text("ok");

    private final Routes routes = Routes.builder()
            .get("/plaintext", (request, responder) -> responder.send(OK))
            .get("/json", (request, responder) -> responder.send(OK))
            .get("/users/{id}", (request, responder) -> responder.send(OK))
            .get("/static/*", (request, responder) -> responder.send(OK))
            .build();

    /** A responder that takes any number of answers and keeps none. */
    private static final class Sink extends RouteProbe.Capture {
        int answers;

        @Override
        public void send(HttpResponse response) {
            answers++;
        }
    }

    /** Routes {@link #REQUESTS} requests for {@code target}, each new (made before counting); {@return the bytes routing allocated} */
    private long allocatedRouting(String target, Sink sink) throws Exception {
        for (int i = 0; i < 1_000; i++) {
            routes.handle(RouteProbe.request("GET", target), sink); // the first calls load and link what they use
        }
        HttpRequest[] requests = new HttpRequest[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            requests[i] = RouteProbe.request("GET", target);
            requests[i].path();
        }
        long before = allocatedByThisThread();
        for (HttpRequest request : requests) {
            routes.handle(request, sink);
        }
        return allocatedByThisThread() - before;
    }

    @Test
    void anExactRouteAllocatesNothingAndAParameterOnlyItsValue() throws Exception {
        Sink sink = new Sink();
        long exact = allocatedRouting("/plaintext", sink);
        // Reading the counter twice allocates a few hundred bytes (reflection boxes the long); 10,000 requests that
        // allocated even 8 bytes each would count 80,000.
        assertTrue(exact < 2_048, "10,000 requests to an exact route allocated " + exact + " bytes, not about 0");
        long param = allocatedRouting("/users/7", sink);
        // The holder of the values (32 B), their array (24 B) and the value "7" (48 B with its bytes): about 100 B.
        assertTrue(param > REQUESTS * 64L && param < REQUESTS * 256L,
                "a route with a parameter allocates its value and its holder, about 100 B a request: " + param / REQUESTS);
        assertEquals(22_000, sink.answers);
    }

    private static long allocatedByThisThread() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        return (long) allocated.invoke(threads, Thread.currentThread().getId());
    }
}
