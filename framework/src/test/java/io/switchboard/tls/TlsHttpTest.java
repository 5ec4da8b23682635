package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTP over the TLS stage: a request body cut by a FIN without close_notify is an error, never a request. */
class TlsHttpTest {
    private final List<String> bodies = new ArrayList<>();
    private final Routes routes = Routes.builder()
            .post("/upload", (req, res) -> {
                bodies.add(new String(req.body()));
                res.send(HttpResponse.of(200).body("stored"));
            })
            .build();

    @Test
    void aBodyCutByATruncationNeverReachesTheHandler() {
        TlsPair pair = new TlsPair(TlsPair.trustingClient(), 1, TlsPair.ecServer(), p -> { }, new HttpService(routes)).pump();
        pair.client.connection().writeAndFlush(TlsHandlerTest.ascii(
                "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "a".repeat(50)));
        pair.pump();
        pair.server.finishInput(); // the FIN, with no close_notify before it

        assertEquals(List.of(), bodies, "no handler saw the 50 bytes of a 100-byte body");
        assertFalse(TlsHandlerTest.text(pair.client.readMessages()).contains("200"), "nothing was answered");
        List<Object> events = pair.server.events();
        assertTrue(events.indexOf(TlsTruncated.INSTANCE) >= 0 && events.indexOf(TlsTruncated.INSTANCE) < events.indexOf("closed"),
                "the truncation was reported, then the connection closed: " + events);
        assertTrue(pair.server.isClosed());
    }

    @Test
    void aWholeBodyFollowedByCloseNotifyIsServed() {
        TlsPair pair = new TlsPair(TlsPair.trustingClient(), 1, TlsPair.ecServer(), p -> { }, new HttpService(routes)).pump();
        pair.client.connection().writeAndFlush(TlsHandlerTest.ascii(
                "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
        pair.pump();
        assertEquals(List.of("hello"), bodies);
        assertTrue(TlsHandlerTest.text(pair.client.readMessages()).endsWith("stored"));
        pair.client.connection().close();
        pair.pump();
        assertFalse(pair.server.events().contains(TlsTruncated.INSTANCE), pair.server.events().toString());
        assertTrue(pair.server.isClosed(), "the server closed after the client's close_notify");
    }
}
