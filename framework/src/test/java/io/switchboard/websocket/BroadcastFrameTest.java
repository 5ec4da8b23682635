package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.BINARY;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.lifecycle.ConnectionGroup;
import io.switchboard.lifecycle.SlowReceivers;
import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A broadcast of one {@link WebSocketFrame} to many WebSocket connections: framed once, its bytes written as they are
 * by every server stage that would send the same bytes, the message encoded by the others; the group's slow-receiver
 * policy applies to WebSocket members as to any.
 */
class BroadcastFrameTest {
    /** High watermark 4 KiB, low 1 KiB. */
    private static final ConnectionConfig SMALL = ConnectionConfig.DEFAULTS.withWatermarks(1024, 4096);

    private static EmbeddedConnection server(WebSocketConfig config, PerMessageDeflate deflate) {
        return new EmbeddedConnection(p -> p.add(WebSocketStage.server(new Recorder(), config, deflate)));
    }

    private static EmbeddedConnection server() {
        return server(WebSocketConfig.DEFAULTS, null);
    }

    @Test
    void theFramesBytesAreWhatEveryServerMemberWrites() {
        ConnectionGroup group = new ConnectionGroup();
        List<EmbeddedConnection> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(server());
            group.add(members.get(i).connection());
        }
        byte[] big = new byte[70_000];
        big[69_999] = 7;
        for (WebSocketFrame frame : List.of(WebSocketFrame.text("to everyone, κόσμε"), WebSocketFrame.text(""),
                WebSocketFrame.binary(new byte[300]), WebSocketFrame.binary(ByteBuffer.wrap(big)))) {
            assertEquals(3, group.broadcast(frame));
            for (EmbeddedConnection c : members) {
                byte[] written = c.runPending().takeWritten();
                assertArrayEquals(frame.bytes(), written, "the frame as framed once: " + frame);
                Wire.Frame f = Wire.single(written); // and a well-formed server frame
                assertTrue(f.fin());
                assertFalse(f.masked());
                assertEquals(frame.isText() ? TEXT : BINARY, f.opcode());
                assertEquals(frame.length(), f.payload().length);
            }
        }
        assertEquals("to everyone, κόσμε", Wire.single(WebSocketFrame.text("to everyone, κόσμε").bytes()).text());
        assertEquals(7, Wire.single(WebSocketFrame.binary(big).bytes()).payload()[69_999], "64-bit length form");
    }

    @Test
    void aStageThatWouldSendOtherBytesSendsTheMessageItself() {
        WebSocketConfig deflating = WebSocketConfig.DEFAULTS.withDeflate(DeflateOptions.DEFAULTS); // threshold 128
        EmbeddedConnection compressing = server(deflating, new PerMessageDeflate(false, false, 0, 0));
        Recorder clientHandler = new Recorder();
        EmbeddedConnection client = new EmbeddedConnection(p -> p.add(WebSocketStage.client(clientHandler,
                WebSocketConfig.DEFAULTS, null)));

        WebSocketFrame small = WebSocketFrame.text("short: below the threshold");
        compressing.connection().write(small);
        assertArrayEquals(small.bytes(), compressing.runPending().takeWritten(), "not compressed: taken as it is");

        String text = "a line that repeats itself. ".repeat(10);
        compressing.connection().write(WebSocketFrame.text(text));
        Wire.Frame f = Wire.single(compressing.runPending().takeWritten());
        assertEquals(4, f.rsv(), "compressed with the connection's own context");
        assertEquals(text, new String(new Wire.Decompressor(true).decompress(f.payload()), StandardCharsets.UTF_8));

        client.connection().write(WebSocketFrame.binary(new byte[] {1, 2, 3}));
        Wire.Frame masked = Wire.single(client.runPending().takeWritten());
        assertTrue(masked.masked(), "a client masks with a fresh key");
        assertArrayEquals(new byte[] {1, 2, 3}, masked.payload());
    }

    @Test
    void aFrameFromAnotherThreadIsShared() throws Exception {
        ConnectionGroup group = new ConnectionGroup();
        EmbeddedConnection a = server();
        EmbeddedConnection b = server();
        group.add(a.connection());
        group.add(b.connection());
        WebSocketFrame frame = WebSocketFrame.text("from elsewhere");
        assertEquals(2, CompletableFuture.supplyAsync(() -> group.broadcast(frame)).get(10, TimeUnit.SECONDS));
        assertArrayEquals(frame.bytes(), a.runPending().takeWritten());
        assertArrayEquals(frame.bytes(), b.runPending().takeWritten());
    }

    @Test
    void slowWebSocketMembersAreClosedWithACloseFrameOrSkippedAsThePolicySays() {
        for (SlowReceivers policy : SlowReceivers.values()) {
            ConnectionGroup group = new ConnectionGroup(policy);
            EmbeddedConnection fast = new EmbeddedConnection(SMALL, 1024,
                    p -> p.add(WebSocketStage.server(new Recorder(), WebSocketConfig.DEFAULTS, null)));
            Recorder slowHandler = new Recorder();
            EmbeddedConnection slow = new EmbeddedConnection(SMALL, 1024,
                    p -> p.add(WebSocketStage.server(slowHandler, WebSocketConfig.DEFAULTS, null))).peerWindow(0);
            group.add(fast.connection());
            group.add(slow.connection());
            WebSocketFrame kib = WebSocketFrame.binary(new byte[1024]);
            int total = 0;
            for (int i = 0; i < 50; i++) {
                total += group.broadcast(kib);
                fast.runPending().discardWritten();
                slow.runPending();
            }
            assertTrue(slow.connection().queuedBytes() <= 4096 + 2 * 1028,
                    policy + ": the slow member holds about its 4 KiB watermark, not 50 KiB: " + slow.connection().queuedBytes());
            slow.peerWindow(Long.MAX_VALUE);
            List<Wire.Frame> got = Wire.parse(slow.takeWritten());
            if (policy == SlowReceivers.CLOSE) {
                assertFalse(slow.isOpen());
                assertEquals(1, group.size());
                assertEquals(1001, got.get(got.size() - 1).closeStatus(), "closed with a close frame: going away");
                assertEquals(50 + got.size() - 1, total);
            } else {
                assertTrue(slow.isOpen());
                assertEquals(2, group.size());
                assertEquals(50 + got.size(), total, "the slow member got the frames before it fell behind");
                assertEquals(2, group.broadcast(kib), "and is written to again once it caught up");
                assertArrayEquals(kib.bytes(), slow.runPending().takeWritten());
            }
        }
    }

    @Test
    void aFrameBroadcastToAThousandMembersAllocatesNothingPerMemberWhereAStringAllocatesItsBytes() {
        ConnectionGroup group = new ConnectionGroup();
        List<EmbeddedConnection> members = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            EmbeddedConnection c = server();
            members.add(c);
            group.add(c.connection());
        }
        String text = "x".repeat(20_000); // longer than a scratch chunk: a stage encodes it into an array of its own
        WebSocketFrame frame = WebSocketFrame.text(text);
        long[] string = new long[2];
        long[] framed = new long[2];
        for (int round = 0; round < 2; round++) { // the first round warms the pools, scratches and harness buffers
            string[round] = allocatedBy(() -> group.broadcast(text), members);
            framed[round] = allocatedBy(() -> group.broadcast(frame), members);
        }
        // Measured (JDK 17): a String broadcast 20.17 MB beyond the harness's copy of the output, a frame broadcast
        // 145 to 157 KB, about 150 bytes a member: the harness's own bookkeeping (an array for each 4 KiB chunk the
        // embedded transport takes, the embedded loop's batch list), the same for both give or take 20 KB. So the
        // String costs each member its 20,016-byte UTF-8 array and the frame nothing. Asserted: the String at least
        // 19,000 bytes a member more than the frame, and the frame under 400 bytes a member.
        assertTrue(string[1] - framed[1] >= 1000L * 19_000, "a String broadcast allocated " + string[1]
                + " bytes, a frame broadcast " + framed[1]);
        assertTrue(framed[1] < 1000L * 400, "a frame broadcast allocated " + framed[1] + " bytes");
    }

    /**
     * Bytes this thread allocated to broadcast and flush, less the copy of the output the harness makes (the embedded
     * transport copies every byte written into a new array).
     */
    private static long allocatedBy(Runnable broadcast, List<EmbeddedConnection> members) {
        long before = Allocation.thisThread();
        broadcast.run();
        for (EmbeddedConnection c : members) {
            c.runPending();
        }
        long allocated = Allocation.thisThread() - before;
        long output = 0;
        for (EmbeddedConnection c : members) {
            output += c.discardWritten();
        }
        return allocated - output;
    }
}
