package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A client TLS stage against a server TLS stage in memory, with the byte stream cut into reads in every way a
 * socket could cut it.
 */
class TlsSplitsTest {
    private final TlsServerContext server = TlsPair.ecServer();
    private final TlsClientContext client = TlsPair.trustingClient();

    @Test
    void aWholeHandshakeThenEchoOnTls13() {
        TlsPair pair = new TlsPair(client, 1, server, p -> { }, p -> p.add(new TlsPair.Echo())).pump();
        assertTrue(pair.clientTls.isHandshakeComplete() && pair.serverTls.isHandshakeComplete());
        pair.client.connection().write("hello".getBytes(StandardCharsets.US_ASCII));
        pair.pump();
        assertEquals("hello", new String((byte[]) pair.client.readMessage(), StandardCharsets.US_ASCII));
        TlsHandshakeCompleted done = assertInstanceOf(TlsHandshakeCompleted.class, pair.server.events().get(0));
        assertEquals("TLSv1.3", done.protocol());
        assertEquals("localhost", done.serverName());
    }
}
