package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.server.Client;
import io.switchboard.server.Server;
import io.switchboard.tls.Identity;
import io.switchboard.tls.TlsClientConfig;
import io.switchboard.tls.TlsClientContext;
import io.switchboard.tls.TlsServerConfig;
import io.switchboard.tls.TlsServerContext;
import io.switchboard.tls.Trust;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 client over TLS against Switchboard's server, with the test CA's certificate for localhost
 * (src/test/resources/tls): h2 chosen by ALPN carries concurrent requests and a body larger than the windows; a
 * server that chooses http/1.1 fails the connect clearly, and a client whose TLS context does not offer h2 is
 * refused before it connects.
 */
class Http2ClientTlsTest {
    private static final byte[] BODY = Http2ClientTest.random(300 * 1024, 3);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private int server(String... alpn) {
        TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(fixture("ec.pem"), fixture("ec-pkcs8.key")))
                .applicationProtocols(alpn).build());
        HttpService service = new HttpService(HttpConfig.DEFAULTS, Routes.builder()
                .get("/hello", (req, res) -> res.send(HttpResponse.text("hello over " + req.version())))
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200).body(req.body())))
                .build()).withPriorKnowledge(Http2Server.DEFAULTS);
        Server server = Server.builder().host("127.0.0.1").port(0).workers(1).tls(tls).pipeline(service).start();
        open.add(server::close);
        return server.localAddress().getPort();
    }

    private Http2Client client(String... alpn) {
        Client client = Client.builder().tls(TlsClientContext.create(TlsClientConfig.builder()
                .trust(Trust.pem(fixture("ca.pem"))).applicationProtocols(alpn).build())).build();
        open.add(client);
        return Http2Client.builder(client).build();
    }

    /** localhost, the name the certificate carries, at 127.0.0.1 where the server listens. */
    private static InetSocketAddress localhost(int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}), port);
    }

    @Test
    void h2ChosenByAlpnCarriesConcurrentRequests() throws Exception {
        int port = server(Http2Server.ALPN, "http/1.1");
        Http2ClientConnection c = client("h2", "http/1.1").connect(localhost(port), true).get(10, TimeUnit.SECONDS);
        open.add(c::close);
        assertTrue(c.isSecure());
        List<CompletableFuture<Http2Response>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(c.send(Http2Request.get("/hello")));
        }
        CompletableFuture<Http2Response> echo = c.send(Http2Request.post("/echo", BODY));
        for (CompletableFuture<Http2Response> a : answers) {
            assertEquals("hello over HTTP/2", a.get(10, TimeUnit.SECONDS).bodyText());
        }
        assertArrayEquals(BODY, echo.get(10, TimeUnit.SECONDS).body(), "300 KiB echoed over TLS");
    }

    @Test
    void aServerThatChoosesHttp11FailsClearly() throws Exception {
        int port = server("http/1.1");
        CompletableFuture<Http2ClientConnection> c = client("h2", "http/1.1").connect(localhost(port), true);
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.get(10, TimeUnit.SECONDS));
        ProtocolException failure = assertInstanceOf(ProtocolException.class, e.getCause());
        assertEquals("the server did not choose h2 by ALPN (it chose http/1.1): it does not speak HTTP/2 over TLS",
                failure.getMessage());
    }

    @Test
    void aTlsContextThatDoesNotOfferH2IsRefusedBeforeConnecting() throws Exception {
        Http2Client h2 = client("http/1.1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h2.connect(localhost(1), true));
        assertTrue(e.getMessage().contains("offers ALPN h2"), e.getMessage());
    }

    private static Path fixture(String name) {
        try {
            return Path.of(Http2ClientTlsTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }
}
