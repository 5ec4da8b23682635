package io.switchboard.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedDatagramEndpoint;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A datagram endpoint's pipeline without sockets: addresses, replies, the size limit, batches and errors. */
class DatagramPipelineTest {
    static final InetSocketAddress ALICE = new InetSocketAddress("127.0.0.1", 40001);
    static final InetSocketAddress BOB = new InetSocketAddress("127.0.0.1", 40002);
    static final InetSocketAddress CAROL = new InetSocketAddress("::1", 40003);

    /** Writes each datagram's bytes back: plain bytes go to the sender of the datagram being handled. */
    static final Handler ECHO = new Handler() {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.write(((Datagram) message).content());
        }
    };

    static String text(Datagram d) {
        return new String(d.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void eachDatagramArrivesWholeWithItsSenderAndTheLocalAddress() {
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> { });
        e.feed(ALICE, "from alice").feed(BOB, "from bob").feed(CAROL, "");
        List<Object> got = e.readMessages();
        assertEquals(3, got.size(), "three datagrams, three messages (no stream framing): " + got);
        Datagram a = (Datagram) got.get(0);
        Datagram b = (Datagram) got.get(1);
        Datagram c = (Datagram) got.get(2);
        assertEquals(ALICE, a.sender());
        assertEquals("from alice", text(a));
        assertEquals(BOB, b.sender());
        assertEquals("from bob", text(b));
        assertEquals(CAROL, c.sender());
        assertEquals(0, c.content().remaining(), "an empty datagram is a message too");
        assertEquals(EmbeddedDatagramEndpoint.LOCAL, a.recipient(), "inbound recipient is the local address");
        assertEquals(new DatagramStats(3, 18, 0, 0, 0, 0, 0, 0, 0, 0), e.stats());
    }

    @Test
    void plainBytesAnswerTheSenderOfTheDatagramBeingHandled() {
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.addFirst(ECHO));
        e.feed(ALICE, "one").feed(BOB, "two").feed(ALICE, "three");
        List<Datagram> sent = e.takeSent();
        assertEquals(List.of(ALICE, BOB, ALICE), sent.stream().map(Datagram::recipient).toList());
        assertEquals(List.of("one", "two", "three"), sent.stream().map(DatagramPipelineTest::text).toList());
        assertEquals(3, e.stats().sent());
        assertEquals(11, e.stats().sentBytes());
    }

    @Test
    void aDatagramMadeToSendGoesWhereverItSays() {
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                Datagram in = (Datagram) message;
                ctx.write(Datagram.to(CAROL, in.content()));
                ctx.write(in.reply("ack".getBytes(StandardCharsets.US_ASCII)));
            }
        }));
        e.feed(ALICE, "relay me");
        List<Datagram> sent = e.takeSent();
        assertEquals(List.of(CAROL, ALICE), sent.stream().map(Datagram::recipient).toList());
        assertEquals(List.of("relay me", "ack"), sent.stream().map(DatagramPipelineTest::text).toList());
    }

    @Test
    void writingAReceivedDatagramAsItIsIsRefusedCountedAndTheEndpointCarriesOn() {
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                Datagram in = (Datagram) message;
                if (text(in).equals("bad")) {
                    ctx.write(in); // would go to our own address
                } else {
                    ctx.write(in.content());
                }
            }
        }));
        e.feed(ALICE, "bad").feed(ALICE, "good");
        assertEquals(List.of("good"), e.takeSent().stream().map(DatagramPipelineTest::text).toList());
        assertEquals(1, e.stats().errors(), "the refused write is counted");
        assertTrue(e.endpoint().connection().isOpen(), "one bad write does not close an endpoint that serves all");
    }

    @Test
    void plainBytesWithNoDatagramBeingHandledHaveNoRecipientAndAreCounted() {
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> { });
        e.endpoint().connection().write("to whom?".getBytes(StandardCharsets.US_ASCII));
        e.runPending();
        assertEquals(List.of(), e.takeSent());
        assertEquals(1, e.stats().errors());
        assertTrue(e.endpoint().connection().isOpen());
    }

    @Test
    void aConnectedEndpointSendsPlainBytesToItsPeerFromAnyThreadAndAnyTime() throws Exception {
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(DatagramConfig.DEFAULTS, new MemoryBudget(1 << 20),
                EmbeddedDatagramEndpoint.LOCAL, BOB, p -> { });
        Thread other = new Thread(() -> e.endpoint().connection().write("from a thread".getBytes(StandardCharsets.UTF_8)));
        other.start();
        other.join();
        e.endpoint().loop().schedule(() -> e.endpoint().connection().write(ByteBuffer.wrap("from a timer".getBytes(
                StandardCharsets.UTF_8))), 1, TimeUnit.SECONDS);
        e.advance(java.time.Duration.ofSeconds(1));
        List<Datagram> sent = e.takeSent();
        assertEquals(List.of(BOB, BOB), sent.stream().map(Datagram::recipient).toList());
        assertEquals(List.of("from a thread", "from a timer"), sent.stream().map(DatagramPipelineTest::text).toList());
        assertEquals(BOB, e.endpoint().remoteAddress());
    }

    @Test
    void aDatagramOverTheLimitIsCountedAndDroppedAndOneAtTheLimitArrivesWhole() {
        DatagramConfig config = DatagramConfig.DEFAULTS.withMaxDatagramSize(100);
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(config, new MemoryBudget(1 << 20),
                EmbeddedDatagramEndpoint.LOCAL, null, p -> { });
        byte[] atLimit = new byte[100];
        atLimit[99] = 7;
        e.feed(ALICE, atLimit).feed(ALICE, new byte[101]).feed(BOB, new byte[65_000]).feed(BOB, "small");
        List<Object> got = e.readMessages();
        assertEquals(2, got.size(), "the 101- and 65,000-byte datagrams never reach the pipeline: " + got);
        assertArrayEquals(atLimit, ((Datagram) got.get(0)).bytes(), "100 bytes, the limit, arrive whole");
        assertEquals("small", text((Datagram) got.get(1)));
        DatagramStats stats = e.stats();
        assertEquals(2, stats.received());
        assertEquals(2, stats.oversized(), "the system cuts them short silently; the endpoint counts them");
    }

    @Test
    void datagramsAreReadInBoundedBatchesEachEndedByReadComplete() {
        List<Integer> batches = new ArrayList<>();
        int[] inBatch = {0};
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                inBatch[0]++;
            }

            @Override
            public void readComplete(HandlerContext ctx) {
                batches.add(inBatch[0]);
                inBatch[0] = 0;
            }
        }));
        List<Datagram> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(Datagram.received(ByteBuffer.wrap(new byte[] {(byte) i}), ALICE, null));
        }
        e.feedAll(burst);
        assertEquals(List.of(64, 64, 64, 8), batches, "200 datagrams in batches of at most 64 (the default)");
    }

    @Test
    void aHandlerThatThrowsIsCountedAndTheNextDatagramIsServed() {
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                if (text((Datagram) message).equals("boom")) {
                    throw new IllegalStateException("boom");
                }
                ctx.write(((Datagram) message).content());
            }
        }));
        e.feed(ALICE, "boom").feed(BOB, "fine");
        assertEquals(List.of(BOB), e.takeSent().stream().map(Datagram::recipient).toList());
        assertEquals(1, e.stats().errors());
        assertTrue(e.endpoint().connection().isOpen());
        assertTrue(e.events().contains("exception:IllegalStateException"));
    }

    @Test
    void suspendingReadsLeavesDatagramsWithTheSocketUntilResumed() {
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ctx.connection().suspendRead();
                ctx.fireRead(message);
            }
        }));
        List<Datagram> three = List.of(Datagram.received(ByteBuffer.wrap(new byte[] {1}), ALICE, null),
                Datagram.received(ByteBuffer.wrap(new byte[] {2}), ALICE, null),
                Datagram.received(ByteBuffer.wrap(new byte[] {3}), ALICE, null));
        e.feedAll(three);
        assertEquals(1, e.readMessages().size(), "the batch stops at the datagram that suspended reading");
        assertEquals(2, e.unread());
        e.endpoint().connection().resumeRead();
        e.runPending();
        assertEquals(1, e.readMessages().size());
        assertEquals(1, e.unread());
    }

    @Test
    void theEndpointCanBeFoundFromItsConnection() {
        DatagramEndpoint[] seen = new DatagramEndpoint[1];
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                seen[0] = DatagramEndpoint.of(ctx.connection());
            }
        }));
        e.feed(ALICE, "x");
        assertSame(e.endpoint(), seen[0]);
        assertNull(DatagramEndpoint.of(new io.switchboard.testing.EmbeddedConnection(p -> { }).connection()));
    }
}
