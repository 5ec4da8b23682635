package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client TLS stage against a server TLS stage in memory, with the byte stream cut into reads in every way a
 * socket could cut it: the handshake's flights and the records that carry echo, line codec and HTTP traffic,
 * each whole, cut in two at every byte, and one byte at a time. Each way must give the same plaintext.
 */
class TlsSplitsTest {
    private static final int STRIDE = 48;

    private final TlsServerContext server = TlsPair.ecServer();
    private final TlsClientContext client = TlsPair.trustingClient();

    @Test
    void aWholeHandshakeThenEchoOnTls13() {
        TlsPair pair = new TlsPair(client, 1, server, p -> { }, p -> p.add(new TlsPair.Echo())).pump();
        assertTrue(pair.clientTls.isHandshakeComplete() && pair.serverTls.isHandshakeComplete());
        pair.client.connection().write(ascii("hello"));
        pair.pump();
        assertEquals("hello", text(pair.client.readMessages()));
        TlsHandshakeCompleted done = assertInstanceOf(TlsHandshakeCompleted.class, pair.server.events().get(0));
        assertEquals("TLSv1.3", done.protocol());
        assertEquals("localhost", done.serverName());
        assertEquals(List.of(done), pair.client.events(), "the client saw the same handshake");
    }

    /**
     * Every flight of the handshake (ClientHello 400-odd bytes, the server's flight about 800 with this P-256
     * certificate, the client's Finished, the session ticket) and the echoed record, cut so that every byte of every
     * transfer is a cut point in one of the runs: cut every {@value #STRIDE} bytes starting at each offset from 1 to
     * {@value #STRIDE}, then one byte at a time. One full handshake per run (a new port each time, so no session is
     * resumed), on TLS 1.3 and TLS 1.2: about 100 handshakes.
     */
    @Test
    void theHandshakeAndAnEchoSurviveEveryCut() {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            TlsClientContext c = TlsPair.trustingClient(protocol);
            TlsPair first = handshakeAndEcho(c, 1, TlsPair.Cut.whole(), protocol + " whole");
            assertTrue(first.longestTransfer > 500, "the server's flight carries a certificate: " + first.longestTransfer);
            for (int at = 1; at <= STRIDE; at++) {
                handshakeAndEcho(c, 1000 + at, TlsPair.Cut.every(STRIDE, at), protocol + " cut every " + STRIDE + " from " + at);
            }
            handshakeAndEcho(c, 999, TlsPair.Cut.oneByte(), protocol + " one byte at a time");
        }
    }

    /** Three lines in three records (one line cut across two records), the whole transfer cut at every byte. */
    @Test
    void linesInRecordsSurviveEveryCut() {
        TlsPair pair = new TlsPair(client, 2, server, p -> { }, p -> p.add(new LineCodec(100)).add(new Upper())).pump();
        List<TlsPair.Cut> cuts = cutsFor(pair, () -> writeRecords(pair.client, "alpha\n", "beta\ngam", "ma\n"));
        for (int i = 0; i < cuts.size(); i++) {
            writeRecords(pair.client, "alpha\n", "beta\ngam", "ma\n");
            pair.pump(cuts.get(i));
            assertEquals("ALPHA\nBETA\nGAMMA\n", text(pair.client.readMessages()), "cut " + i);
        }
        assertTrue(pair.client.isOpen() && pair.server.isOpen());
    }

    /** Two pipelined requests and a POST with a body, in three records, cut at every byte. */
    @Test
    void httpRequestsInRecordsSurviveEveryCut() {
        Routes routes = Routes.builder()
                .get("/a", (req, res) -> res.send(HttpResponse.of(200).body("A")))
                .post("/echo", (req, res) -> res.send(HttpResponse.of(200).body(req.body())))
                .build();
        TlsPair pair = new TlsPair(client, 3, server, p -> { }, new HttpService(routes)).pump();
        String[] records = {"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /a HTTP/1.1\r\nHo",
            "st: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhel", "lo"};
        List<TlsPair.Cut> cuts = cutsFor(pair, () -> writeRecords(pair.client, records));
        for (int i = 0; i < cuts.size(); i++) {
            writeRecords(pair.client, records);
            pair.pump(cuts.get(i));
            String answers = text(pair.client.readMessages());
            assertEquals(3, answers.split("HTTP/1.1 200 OK", -1).length - 1, "cut " + i + ": " + answers);
            assertTrue(answers.endsWith("\r\n\r\nhello"), "cut " + i + ": " + answers);
        }
    }

    private TlsPair handshakeAndEcho(TlsClientContext c, int port, TlsPair.Cut cut, String how) {
        TlsPair pair = new TlsPair(c, port, server, p -> { }, p -> p.add(new TlsPair.Echo())).pump(cut);
        assertTrue(pair.clientTls.isHandshakeComplete() && pair.serverTls.isHandshakeComplete(), how);
        pair.client.connection().write(ascii("ping " + how));
        pair.pump(cut);
        assertEquals("ping " + how, text(pair.client.readMessages()), how);
        assertTrue(pair.client.isOpen() && pair.server.isOpen(), how);
        return pair;
    }

    /** The cuts of one transfer: learns its length by sending it once whole. */
    private static List<TlsPair.Cut> cutsFor(TlsPair pair, Runnable write) {
        write.run();
        pair.client.runPending();
        byte[] transfer = pair.client.takeWritten();
        pair.server.feed(transfer);
        pair.pump();
        pair.client.readMessages();
        List<TlsPair.Cut> cuts = new ArrayList<>();
        cuts.add(TlsPair.Cut.whole());
        for (int at = 1; at < transfer.length; at++) {
            cuts.add(TlsPair.Cut.at(at));
        }
        cuts.add(TlsPair.Cut.oneByte());
        return cuts;
    }

    /** Each text flushed on its own, so each leaves as its own record. */
    private static void writeRecords(EmbeddedConnection c, String... texts) {
        for (String t : texts) {
            c.connection().writeAndFlush(ascii(t));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(List<Object> messages) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Object m : messages) {
            all.writeBytes((byte[]) m);
        }
        return all.toString(StandardCharsets.US_ASCII);
    }

    /** Answers each line in capitals. */
    private static final class Upper implements Handler {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.write(((String) message).toUpperCase());
        }
    }
}
