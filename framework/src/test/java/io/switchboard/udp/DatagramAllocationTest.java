package io.switchboard.udp;

import static io.switchboard.udp.DatagramPipelineTest.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedDatagramEndpoint;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The receive path allocates nothing per datagram: the loop's buffer and one reused {@link Datagram}. */
class DatagramAllocationTest {

    @Test
    void receivingTenThousandDatagramsAllocatesNothingPerDatagram() {
        long[] bytes = {0};
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                bytes[0] += ((Datagram) message).content().remaining(); // consumed here: nothing reaches the capture
            }
        }));
        List<Datagram> burst = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            burst.add(Datagram.received(ByteBuffer.wrap(new byte[64]), ALICE, null));
        }
        e.feedAll(burst.subList(0, 1000)); // warm up the path first
        e.endpoint().connection().suspendRead();
        e.runPending();
        e.feedAll(burst);
        assertEquals(10_000, e.unread());

        long before = Allocation.thisThread();
        e.endpoint().connection().resumeRead();
        e.runPending();
        long allocated = Allocation.thisThread() - before;

        assertEquals(0, e.unread());
        assertEquals(11_000 * 64, bytes[0]);
        // 10,000 datagrams: anything per datagram (a 16-byte object at the least) would be 160,000 bytes or more.
        assertTrue(allocated < 16_000, "allocated " + allocated + " bytes for 10,000 datagrams");
    }
}
