package io.switchboard.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An HTTP server with the PROXY stage over loopback sockets: the request's remote address is the header's source
 * whether the header shares a segment with the request or trickles in, and a peer that is not a trusted proxy gets
 * nothing but a close.
 */
class ProxyProtocolLoopbackTest {
    private static final String REQUEST = "GET /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    private ProxyProtocol proxy;
    private Server server;

    private void start(String trusted) {
        proxy = ProxyProtocol.builder().trust(trusted).headerTimeout(Duration.ofSeconds(3)).build();
        Routes routes = Routes.builder()
                .get("/whoami", (req, res) -> res.send(HttpResponse.of(200).body(String.valueOf(req.remoteAddress()))))
                .build();
        server = Server.builder().workers(1).proxyProtocol(proxy).pipeline(new HttpService(routes)).start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String exchange(byte[]... writes) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            for (byte[] w : writes) {
                out.write(w);
                out.flush();
            }
            InputStream in = s.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.net.SocketException e) {
                return ""; // reset: the server closed with some of our bytes unread, an answer of nothing all the same
            }
        }
    }

    @Test
    void theRequestSeesTheHeadersSourceInOneSegmentOrSplit() throws Exception {
        start("127.0.0.1");
        byte[] header = "PROXY TCP4 203.0.113.7 127.0.0.1 41000 80\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] request = REQUEST.getBytes(StandardCharsets.US_ASCII);
        String whole = exchange(concat(header, request));
        assertTrue(whole.endsWith("/203.0.113.7:41000"), whole);
        String split = exchange(java.util.Arrays.copyOf(header, 9),
                java.util.Arrays.copyOfRange(header, 9, header.length), request);
        assertTrue(split.endsWith("/203.0.113.7:41000"), split);
        assertEquals(2, proxy.counters().relayed());
    }

    @Test
    void aPeerOutsideTheTrustedRangesGetsOnlyAClose() throws Exception {
        start("10.0.0.0/8"); // the test connects from 127.0.0.1
        String answer = exchange(("PROXY TCP4 203.0.113.7 127.0.0.1 41000 80\r\n" + REQUEST).getBytes(StandardCharsets.US_ASCII));
        assertEquals("", answer, "closed without a byte");
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.counters().untrusted() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void aPlainHttpClientOnAProxyPortIsClosedNotServed() throws Exception {
        start("127.0.0.1");
        String answer = exchange(REQUEST.getBytes(StandardCharsets.US_ASCII));
        assertEquals("", answer, "the listener never guesses that the header is missing");
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.counters().invalid() == 1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
