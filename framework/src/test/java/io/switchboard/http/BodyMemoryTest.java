package io.switchboard.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.server.Server;
import io.switchboard.testing.EmbeddedConnection;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Request bodies take memory as their bytes arrive, counted against the memory budget, never as declared. */
@Tag("hardening")
class BodyMemoryTest {
    private static final String HEAD_8MB = "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 8000000\r\n\r\n";

    private final HttpTestSupport http = new HttpTestSupport();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /**
     * Bytes the calling thread allocated so far: HotSpot's per-thread counter, reached by reflection because the
     * framework's module (which its tests are compiled into) does not read java.management.
     */
    private static long allocatedByThisThread() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        return (long) allocated.invoke(threads, Thread.currentThread().getId());
    }

    @Test
    void aDeclaredEightMegabyteBodyHoldsOnlyWhatArrived() throws Exception {
        EmbeddedConnection c = http.connection();
        MemoryBudget budget = c.connection().budget();
        // Warm up the code path so that class loading does not count below.
        c.feed(HttpTestSupport.get("/plaintext"));
        c.takeWritten();

        long before = allocatedByThisThread();
        c.feed(HEAD_8MB + "ab");
        long allocated = allocatedByThisThread() - before;
        assertTrue(allocated < 256 * 1024,
                "a head declaring 8,000,000 bytes plus 2 body bytes allocates under 256 KiB (an 8 KiB first array), not 8 MB: "
                        + allocated);
        assertEquals(0, budget.used(), "8 KiB held by one connection is below the uncounted 8 KiB: no reservation");

        // 100,000 more bytes: the array doubles from 8 KiB to 128 KiB, and all of it is reserved.
        c.feed(new byte[100_000]);
        assertEquals(131_072, budget.used(), "100,002 body bytes reserve their 131,072-byte array");
        assertTrue(c.isOpen());

        c.connection().abort();
        c.runPending();
        assertEquals(0, budget.used(), "the reservation is given back when the connection closes");
    }

    @Test
    void bodiesWaitingForTheirAnswersStayReservedUntilTheAnswerLeaves() {
        Routes routes = Routes.builder().post("/slow", (req, res) -> http.pending.add(res)).build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        MemoryBudget budget = c.connection().budget();
        String post = "POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n" + "b".repeat(20_000);
        c.feed(post.repeat(3));
        assertEquals(3, http.pending.size());
        assertEquals(60_000, budget.used(), "three 20,000-byte bodies wait for their answers");

        http.pending.get(0).send(HttpResponse.of(204));
        c.runPending();
        assertEquals(40_000, budget.used(), "the first answer left: its body no longer counts");

        http.pending.get(2).send(HttpResponse.of(204));
        c.runPending();
        assertEquals(40_000, budget.used(), "the third answer waits behind the second: both bodies still count");

        http.pending.get(1).send(HttpResponse.of(204));
        c.runPending();
        assertEquals(0, budget.used());
        assertEquals(3, Responses.parse(c.takeWritten()).size());
    }

    @Test
    void aRefusedOrAbandonedBodyGivesItsReservationBack() {
        EmbeddedConnection refused = http.connection();
        refused.feed(HEAD_8MB + "x".repeat(50_000));
        assertTrue(refused.connection().budget().used() >= 50_000);
        refused.advance(HttpConfig.DEFAULTS.bodyTimeout().plusSeconds(1));
        assertEquals(408, Responses.parse(refused.takeWritten()).get(0).status());
        assertEquals(0, refused.connection().budget().used(), "the timed-out body is dropped with its reservation");

        EmbeddedConnection left = http.connection();
        left.feed(HEAD_8MB + "x".repeat(50_000));
        left.finishInput();
        assertEquals(0, left.connection().budget().used(), "the peer's FIN drops the partial body with its reservation");
    }

    @Test
    void aBodyPastTheBudgetIsRefusedWith503AndEveryoneElseIsAnswered() throws Exception {
        MemoryBudget budget = new MemoryBudget(530_000);
        Server server = Server.builder().workers(1).memoryBudget(budget).pipeline(new HttpService(http.routes)).start();
        toClose.add(server);

        // 500,000 bytes of a declared 8,000,000 hold a 524,288-byte array: most of the 530,000-byte budget.
        Socket big = connect(server);
        big.getOutputStream().write((HEAD_8MB + "x".repeat(500_000)).getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.used() == 524_288);

        // Another 10,000 bytes need a 16,384-byte array, which does not fit: refused with 503 and a close.
        Socket second = connect(server);
        second.getOutputStream().write((HEAD_8MB + "y".repeat(10_000)).getBytes(StandardCharsets.US_ASCII));
        String refusal = readHead(second.getInputStream());
        assertTrue(refusal.startsWith("HTTP/1.1 503 "), refusal);
        assertTrue(refusal.contains("Connection: close\r\n"), refusal);
        assertEquals(1, budget.shedCount(), "one request refused at the budget");
        assertEquals(524_288, budget.used(), "the refused body gave back what it held; the budget was never passed");

        // A request without a body is still answered at once.
        Socket third = connect(server);
        third.getOutputStream().write(HttpTestSupport.get("/plaintext").getBytes(StandardCharsets.US_ASCII));
        assertTrue(readHead(third.getInputStream()).startsWith("HTTP/1.1 200 "));

        big.setSoLinger(true, 0);
        big.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.used() == 0);
    }

    private Socket connect(Server server) throws IOException {
        Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        socket.setSoTimeout(20_000);
        toClose.add(socket);
        return socket;
    }

    /** Reads a response head, up to and including its blank line. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
