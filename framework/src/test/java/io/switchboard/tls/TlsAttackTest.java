package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * What a hostile peer can send to the TLS stage, crafted with the JDK's own client engine (driven by hand, past the
 * client stage), with a hand-made TLS 1.3 client ({@link RawTls13Client}) for what the JDK never sends, or as raw
 * bytes: floods of records that carry no data, tiny and empty records, KeyUpdates packed into one record,
 * ChangeCipherSpec and alert spam, a ClientHello and then silence, and bytes after close_notify.
 */
class TlsAttackTest {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final TlsServerContext server = TlsPair.ecServer();
    private final TlsClientContext client = TlsPair.trustingClient();

    /** {@return what the client's engine writes for {@code src}: its records, or the message it has pending} */
    private static byte[] wrap(SSLEngine engine, ByteBuffer src) throws SSLException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        do {
            out.clear();
            engine.wrap(src, out);
            wire.write(out.array(), 0, out.position());
        } while (src.hasRemaining());
        return wire.toByteArray();
    }

    /** {@return {@code count} KeyUpdates that each ask for the peer's own, one per record, from the client's engine} */
    private static byte[] keyUpdates(SSLEngine engine, int count) throws SSLException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            engine.beginHandshake(); // on an established TLS 1.3 engine: a KeyUpdate, update_requested
            wire.writeBytes(wrap(engine, EMPTY));
        }
        return wire.toByteArray();
    }

    private static int records(byte[] wire) {
        return TlsHandlerTest.recordLengths(wire).size();
    }

    /**
     * 2,000 KeyUpdates asking for an answer, in one burst from a client that reads nothing: the JDK's engine would
     * derive two keys and write an answer for each (a KeyUpdate costs it as much as 40 to 70 one-byte records). The stage
     * answers the first 32 and closes at the 33rd, counted, so the peer cannot make it work or write without bound.
     */
    @Test
    void aKeyUpdateFloodIsCutAfter32Records() throws Exception {
        TlsPair pair = new TlsPair(client, 1, server, p -> { }, p -> { }).pump();
        byte[] flood = keyUpdates(pair.clientTls.engine(), 2_000);
        pair.server.feed(flood);
        assertTrue(pair.server.isClosed(), "closed at the 33rd KeyUpdate");
        assertTrue(pair.server.events().contains("exception:SSLProtocolException"), pair.server.events().toString());
        assertEquals(1, server.counters().recordFloodsRefused(), "counted");
        int answers = records(pair.server.takeWritten());
        assertTrue(answers <= RecordsWithoutData.MAX, "answered " + answers + " of 2,000, at most 32");
    }

    /**
     * KeyUpdates among application data are fine: after 32 in a row, each 16 KiB of data the peer sends earns it one
     * more (two after 32 KiB), but a byte of data earns none.
     */
    @Test
    void keyUpdatesAmongDataAreAllowedAndEarnedByData() throws Exception {
        TlsPair pair = new TlsPair(client, 1, server, p -> { }, p -> { }).pump();
        SSLEngine engine = pair.clientTls.engine();
        pair.server.feed(keyUpdates(engine, 32));
        assertTrue(pair.server.isOpen(), "32 in a row are allowed");
        pair.server.feed(wrap(engine, ByteBuffer.allocate(16_384)));
        pair.server.feed(wrap(engine, ByteBuffer.allocate(16_384)));
        pair.server.feed(keyUpdates(engine, 2));
        assertTrue(pair.server.isOpen(), "two more, earned by 32 KiB of data");
        assertEquals(32 * 1024, TlsHandlerTest.text(pair.server.readMessages()).length(), "the data arrived");

        pair.server.feed(wrap(engine, ByteBuffer.allocate(1)));
        pair.server.feed(keyUpdates(engine, 1));
        assertTrue(pair.server.isClosed(), "one byte of data earns none");
        assertEquals(1, server.counters().recordFloodsRefused());
    }

    /**
     * 2,000 records of one byte each (78,000 bytes on the wire) are data, not a flood: all 2,000 bytes arrive, passed
     * on as one read per 64 KiB socket read (2 reads), and the connection stays open.
     */
    @Test
    void aFloodOfOneByteRecordsIsDataPassedOnPerRead() throws Exception {
        TlsPair pair = new TlsPair(client, 1, server, p -> { }, p -> { }).pump();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 2_000; i++) {
            wire.writeBytes(wrap(pair.clientTls.engine(), ByteBuffer.wrap(new byte[] {'x'})));
        }
        pair.server.feed(wire.toByteArray());
        List<Object> reads = pair.server.readMessages();
        assertEquals(2_000, TlsHandlerTest.text(reads).length());
        assertEquals(2, reads.size(), "one read per 64 KiB socket read");
        assertTrue(pair.server.isOpen());
        assertEquals(0, server.counters().recordFloodsRefused());
    }

    /**
     * TLS 1.3 allows one ChangeCipherSpec during the handshake (middlebox compatibility); the JDK refuses a second and
     * any after the handshake, so the stage closes at once.
     */
    @Test
    void changeCipherSpecSpamIsRefusedByTheEngine() {
        byte[] ccs = {20, 3, 3, 0, 1, 1};
        TlsPair during = new TlsPair(client, 1, server, p -> { }, p -> { });
        during.client.runPending();
        during.server.feed(during.client.takeWritten()); // the ClientHello
        during.server.feed(ccs);
        assertTrue(during.server.isOpen(), "one is allowed");
        during.server.feed(ccs);
        assertTrue(during.server.isClosed(), "the second closes");
        assertEquals(1, server.counters().handshakeFailures());

        TlsPair after = new TlsPair(client, 2, server, p -> { }, p -> { }).pump();
        after.server.feed(ccs);
        assertTrue(after.server.isClosed(), "after the handshake, the first closes");
    }

    /**
     * The JDK ignores warning alerts (user_canceled here) before and during a handshake, however many: 1,000 of them
     * keep nothing in the stage, and the handshake timeout still closes the connection at 10 s, counted.
     */
    @Test
    void warningAlertsBeforeTheHandshakeAreBoundedByTheHandshakeTimeout() {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        TlsHandler tls = TlsHandler.server(server);
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, budget, p -> p.add(tls));
        byte[] alerts = new byte[1_000 * 7];
        for (int i = 0; i < alerts.length; i += 7) {
            System.arraycopy(new byte[] {21, 3, 3, 0, 2, 1, 90}, 0, alerts, i, 7);
        }
        c.feed(alerts);
        assertTrue(c.isOpen(), "the engine ignores them");
        assertEquals(0, budget.used(), "and the stage keeps nothing");
        c.advance(Duration.ofSeconds(10));
        assertTrue(c.isClosed());
        assertEquals(1, server.counters().handshakeTimeouts());
        assertFalse(tls.handshakeTimerPending());
    }

    /**
     * A client that sends its ClientHello and the start of its next record, then nothing: the server answers, keeps
     * 256 bytes for the cut record, and closes at the handshake timeout (10 s), counted, with nothing left held and no
     * timer scheduled.
     */
    @Test
    void aClientThatStallsAfterItsHelloIsClosedByTheHandshakeTimeout() {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        TlsPair pair = new TlsPair(client, 1, server, p -> { }, p -> { }, 64 * 1024, budget);
        pair.client.runPending();
        pair.server.feed(pair.client.takeWritten());
        assertTrue(pair.server.takeWritten().length > 0, "the server sent its flight");
        pair.server.feed(new byte[] {23, 3, 3, 0x40, 0, 0, 0});
        assertEquals(256, budget.used(), "the start of the next record, kept");
        pair.server.advance(Duration.ofMillis(9_999));
        assertTrue(pair.server.isOpen());
        pair.server.advance(Duration.ofMillis(1));
        assertTrue(pair.server.isClosed());
        assertEquals(1, server.counters().handshakeTimeouts());
        assertEquals(0, budget.used());
        assertFalse(pair.serverTls.handshakeTimerPending());
    }

    /**
     * Bytes after the peer's close_notify, in the same read (a record's start) and in later reads, are ignored: the
     * handlers see one {@code inputClosed}, no data and no error, and nothing is kept.
     */
    @Test
    void bytesAfterCloseNotifyAreIgnored() throws Exception {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        TlsPair pair = new TlsPair(client, 1, server, p -> { }, p -> { }, 64 * 1024, budget).pump();
        SSLEngine engine = pair.clientTls.engine();
        engine.closeOutbound();
        byte[] closeNotify = wrap(engine, EMPTY);
        byte[] then = new byte[closeNotify.length + 10];
        System.arraycopy(closeNotify, 0, then, 0, closeNotify.length);
        System.arraycopy(new byte[] {23, 3, 3, 0x40, 0}, 0, then, closeNotify.length, 5);
        pair.server.feed(then);
        pair.server.feed(new byte[20_000]);
        assertEquals(List.of(), pair.server.readMessages());
        assertEquals(1, pair.server.events().stream().filter("inputClosed"::equals).count(), pair.server.events().toString());
        assertFalse(pair.server.events().stream().anyMatch(e -> e.toString().startsWith("exception:")), pair.server.events().toString());
        assertEquals(0, budget.used());
        assertEquals(0, pair.serverTls.partialRecordBytes());
    }

    /** {@return a server stage on an embedded connection, and a hand-made TLS 1.3 client that completed a handshake with it} */
    private RawTls13Client rawHandshake(EmbeddedConnection[] server) throws Exception {
        server[0] = new EmbeddedConnection(p -> p.add(TlsHandler.server(this.server)));
        RawTls13Client raw = RawTls13Client.handshake(server[0]);
        assertTrue(server[0].pipeline().get(TlsHandler.class).isHandshakeComplete());
        return raw;
    }

    /**
     * Warning alerts after the handshake (user_canceled, encrypted, as a hand-made client sends them) are ignored by
     * the JDK however many come; the stage closes at the 33rd.
     */
    @Test
    void aFloodOfWarningAlertsIsCutAfter32Records() throws Exception {
        EmbeddedConnection[] c = new EmbeddedConnection[1];
        RawTls13Client raw = rawHandshake(c);
        ByteArrayOutputStream alerts = new ByteArrayOutputStream();
        for (int i = 0; i < 32; i++) {
            alerts.writeBytes(raw.record(21, new byte[] {1, 90}));
        }
        c[0].feed(alerts.toByteArray());
        assertTrue(c[0].isOpen(), "32 are allowed");
        c[0].feed(raw.record(21, new byte[] {1, 90}));
        assertTrue(c[0].isClosed(), "the 33rd closes");
        assertEquals(1, server.counters().recordFloodsRefused());
    }

    /**
     * TLS 1.3 allows empty application data records, but the JDK refuses one at once ("no content type"), so they
     * cannot be flooded: the first closes the connection.
     */
    @Test
    void theJdkRefusesAnEmptyRecord() throws Exception {
        EmbeddedConnection[] c = new EmbeddedConnection[1];
        RawTls13Client raw = rawHandshake(c);
        c[0].feed(raw.record(23, "data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals("data", TlsHandlerTest.text(c[0].readMessages()));
        c[0].feed(raw.record(23, new byte[0]));
        assertTrue(c[0].isClosed());
        assertTrue(c[0].events().contains("exception:SSLException"), c[0].events().toString());
    }

    /**
     * A known limit of the JDK's engine: it handles every KeyUpdate packed into one record (RFC 8446 section 5.1 allows
     * one, at the record's end) and queues an answer for each. The stage cannot see inside the record before the
     * engine decrypts it; it stops taking the answers after 64 in a row and closes, so one such record per connection
     * is all a peer gets (200 KeyUpdates here; a 15 KB record holds 3,000, which cost the loop 100 to 500 ms).
     */
    @Test
    void keyUpdatesPackedIntoOneRecordCloseAfter64Answers() throws Exception {
        EmbeddedConnection[] c = new EmbeddedConnection[1];
        RawTls13Client raw = rawHandshake(c);
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            packed.writeBytes(RawTls13Client.keyUpdate());
        }
        c[0].feed(raw.record(22, packed.toByteArray()));
        assertTrue(c[0].isClosed());
        int answers = records(c[0].takeWritten());
        // 64 answers, and the 4 more that the failure path takes from the engine while it looks for an alert.
        assertTrue(answers <= 64 + 4, "answered " + answers + " of 200 KeyUpdates");
    }
}
