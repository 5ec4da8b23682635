package io.switchboard.examples;

import static io.switchboard.examples.ProcessMemory.MIB;
import static io.switchboard.examples.ProcessMemory.mib;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kv example under the attack of issue 9: clients that each pipeline seven {@code GET}s of an 8 MiB value
 * (161 bytes sent) and never read. The server runs with a 256 MiB heap, so its memory budget is 64 MiB; 40 such
 * clients ask for 40 × 7 × 8 MiB = 2.2 GiB of answers.
 */
@Tag("hardening")
class KvMemoryIT {
    private static final int VALUE = 8 * 1024 * 1024;
    private static final int ATTACKERS = 40;
    private static final int GETS = 7;
    /** The budget for 256 MiB of heap: a quarter. */
    private static final long BUDGET = 64 * MIB;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** What one wave of the attack did, as the server reported it once it settled. */
    private record Wave(long alive, long shed, long budgetUsed, long peakRss) {
    }

    @Test
    void clientsThatPipelineLargeGetsAndNeverReadAreHeldToOneAnswerEachShedAtTheBudgetAndLetGo() throws Exception {
        ExampleProcess kv = ExampleProcess.start(ProcessMemory.JVM_OPTIONS, "kv", "--port", "0", "--workers", "2");
        toClose.add(kv);
        int port = kv.awaitListening();
        RespClient admin = new RespClient(port);
        toClose.add(admin);
        byte[] value = new byte[VALUE];
        new Random(9).nextBytes(value);
        assertEquals("OK", admin.command("SET", "big", value));
        assertEquals(BUDGET, admin.info().get("budget_limit"), "the default budget, a quarter of -Xmx256m");

        int collections = ProcessMemory.collections(kv);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessMemory.collections(kv) > collections);
        long heapBefore = ProcessMemory.heapAfterLatestCollection(kv, 0);
        long rssBefore = ProcessMemory.rss(kv.process);

        Wave first = attack(kv, port, admin);
        report("wave 1", first, heapBefore, rssBefore);
        lettingGoGivesTheMemoryBack(kv, port, admin, value, heapBefore, rssBefore);

        Wave second = attack(kv, port, admin);
        report("wave 2", second, heapBefore, rssBefore);
        assertEquals(first.alive(), second.alive(), 4, "the second wave is handled as the first: " + first + ", " + second);
        lettingGoGivesTheMemoryBack(kv, port, admin, value, heapBefore, rssBefore);

        assertTrue(kv.stderr.stream().noneMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", kv.stderr));
    }

    /** Opens the attackers, waits for the server to settle, checks what it holds and that others are served. */
    private Wave attack(ExampleProcess kv, int port, RespClient admin) throws Exception {
        long shedBefore = admin.info().get("budget_shed");
        ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
        for (int i = 0; i < GETS; i++) {
            pipelined.writeBytes(RespClient.encode("GET", "big"));
        }
        List<Socket> attackers = new ArrayList<>();
        for (int i = 0; i < ATTACKERS; i++) {
            Socket s = new Socket("127.0.0.1", port);
            toClose.add(s);
            s.getOutputStream().write(pipelined.toByteArray());
            attackers.add(s);
        }
        // Settled: every attacker is open (answered, and paused) or was reset at the budget, and the server's
        // numbers did not change between two looks half a second apart.
        AtomicReference<List<Long>> previous = new AtomicReference<>();
        AtomicLong peakRss = new AtomicLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, Long> info = admin.info();
            peakRss.accumulateAndGet(ProcessMemory.rss(kv.process), Math::max);
            long alive = info.get("connected_clients") - 1;
            long shed = info.get("budget_shed") - shedBefore;
            List<Long> now = List.of(alive, shed, info.get("budget_used"));
            return alive + shed == ATTACKERS && now.equals(previous.getAndSet(now));
        });
        Map<String, Long> info = admin.info();
        Wave wave = new Wave(info.get("connected_clients") - 1, info.get("budget_shed") - shedBefore,
                info.get("budget_used"), peakRss.get());

        assertTrue(wave.shed() > 0, "40 clients asking for 8 MiB each are more than a 64 MiB budget: some were reset");
        assertTrue(wave.alive() >= 4, "the budget holds at least four clients' first answers, not one client's seven: "
                + wave);
        assertTrue(wave.budgetUsed() <= wave.alive() * (VALUE + 64 * 1024L), "each client still open holds at most"
                + " one 8 MiB answer (the decoder stopped after its first GET), not seven: " + wave);
        assertTrue(wave.budgetUsed() <= BUDGET + VALUE, "within the budget (plus the answer that crossed it): " + wave);
        assertTrue(wave.peakRss() <= ProcessMemory.MAX_HEAP + ProcessMemory.BEYOND_HEAP, "resident at most the 256 MiB"
                + " heap plus 128 MiB: direct memory is a fixed pool and answers beyond it wait on the heap: " + wave);

        try (RespClient fresh = new RespClient(port)) {
            assertEquals("PONG", fresh.command("PING"), "another client is served during the attack");
            assertEquals("OK", fresh.command("SET", "small", "v"));
            assertArrayEquals("v".getBytes(), (byte[]) fresh.command("GET", "small"));
        }
        for (Socket s : attackers) {
            s.close();
        }
        return wave;
    }

    /**
     * Once the attackers have gone: the budget is back to zero (every queued answer let go), the heap after the
     * JVM's own collections is back within 24 MiB of where it was (the clients that stayed held 4 MiB each, 56 MiB
     * in all), and the resident set within 64 MiB of where it was.
     */
    private void lettingGoGivesTheMemoryBack(ExampleProcess kv, int port, RespClient admin, byte[] value,
                                             long heapBefore, long rssBefore) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, Long> info = admin.info();
            return info.get("budget_used") == 0 && info.get("connected_clients") == 1;
        });
        try (RespClient fresh = new RespClient(port)) {
            assertArrayEquals(value, (byte[]) fresh.command("GET", "big"), "the whole value, to a client that reads");
        }
        int collections = ProcessMemory.collections(kv);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            long heap = ProcessMemory.heapAfterLatestCollection(kv, collections);
            return heap >= 0 && heap <= heapBefore + 24 * MIB;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessMemory.rss(kv.process) <= rssBefore + 64 * MIB);
        System.out.printf("after: heap %s after a collection (before the attack %s), resident %s (before %s)%n",
                mib(ProcessMemory.heapAfterLatestCollection(kv, collections)), mib(heapBefore),
                mib(ProcessMemory.rss(kv.process)), mib(rssBefore));
    }

    private static void report(String name, Wave wave, long heapBefore, long rssBefore) {
        System.out.printf("%s: %d clients open holding %s in all (%s each), %d reset at the budget;"
                        + " resident at most %s (before %s, heap %s)%n", name, wave.alive(), mib(wave.budgetUsed()),
                mib(wave.budgetUsed() / Math.max(1, wave.alive())), wave.shed(), mib(wave.peakRss()), mib(rssBefore),
                mib(heapBefore));
    }
}
