package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.proxy.ProxyHeader;
import io.switchboard.proxy.ProxyProtocol;
import io.switchboard.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TLS server behind a proxy that passes TLS through (HAProxy in TCP mode with {@code send-proxy-v2}): the PROXY
 * header comes in plaintext before the ClientHello, so the server's PROXY stage must come before its TLS stage, and
 * the handler behind both sees the client's address and the header's fields.
 */
class TlsBehindProxyTest {
    private final TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
            .identity(Fixtures.identity("ec.pem", "ec-pkcs8.key")).applicationProtocols("http/1.1").build());
    private final ProxyProtocol proxy = ProxyProtocol.builder().trust("127.0.0.1").build();
    private Server server;

    @BeforeEach
    void start() {
        Routes routes = Routes.builder().get("/whoami", (req, res) -> {
            ProxyHeader header = req.attr(ProxyHeader.KEY);
            res.send(HttpResponse.of(200).body(req.remoteAddress() + " " + header.authority()));
        }).build();
        server = Server.builder().workers(1).proxyProtocol(proxy).tls(tls).pipeline(new HttpService(routes)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theProxyHeaderComesBeforeTheClientHelloAndTheHandlerSeesTheClient() throws Exception {
        byte[] header = v2Header("192.0.2.10", 56324, "shop.example");
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()), 5000);
            plain.setSoTimeout(5000);
            plain.getOutputStream().write(header);
            plain.getOutputStream().flush();
            try (SSLSocket secure = (SSLSocket) clientContext().getSocketFactory()
                    .createSocket(plain, "localhost", server.localAddress().getPort(), true)) {
                secure.startHandshake();
                OutputStream out = secure.getOutputStream();
                out.write("GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = readAll(secure.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.endsWith("/192.0.2.10:56324 shop.example"), answer);
            }
        }
        assertEquals(1, proxy.counters().relayed());
    }

    /** A v2 PROXY header for TCP over IPv4 from {@code ip:port} to 127.0.0.1:443, with an authority field. */
    static byte[] v2Header(String ip, int port, String authority) throws Exception {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(java.net.InetAddress.getByName(ip).getAddress());
        block.writeBytes(new byte[] {127, 0, 0, 1});
        block.write(port >> 8);
        block.write(port);
        block.write(443 >> 8);
        block.write(443 & 0xff);
        byte[] name = authority.getBytes(StandardCharsets.US_ASCII);
        block.write(0x02);
        block.write(0);
        block.write(name.length);
        block.writeBytes(name);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11});
        all.write(block.size() >> 8);
        all.write(block.size());
        all.writeBytes(block.toByteArray());
        return all.toByteArray();
    }

    private static SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Fixtures.certificate("ca.pem"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String readAll(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
