package io.switchboard.tls;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * Measures what records cut by reads cost the server's TLS stage: bulk data in full TLS 1.3 records (16,405 bytes on
 * the wire), read once in reads of four whole records (nothing kept) and once in reads of 64 KiB (each cuts a record,
 * which {@link PartialRecord} keeps), in time and in bytes the loop's thread allocates per MiB (the harness's own
 * copies, about 3.1 MiB per MiB, are the same in both); and the memory a peer holds with a header alone. Not a test:
 * a program, run from the framework module after {@code mvn test-compile} as {@link HandshakeCost} is:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.switchboard.tls.PartialRecordCost [MiB] [rounds]
 * </pre>
 */
final class PartialRecordCost {
    private static final int RECORD = 16_405;
    private static final int ALIGNED_READ = 4 * RECORD;
    private static final int CUT_READ = 64 * 1024;

    private PartialRecordCost() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        for (int round = 0; round < rounds; round++) {
            long[] aligned = run(megabytes, ALIGNED_READ);
            long[] cut = run(megabytes, CUT_READ);
            System.out.printf("aligned: %.1f us/MiB %.0f B/MiB allocated; cut: %.1f us/MiB %.0f B/MiB allocated%n",
                    aligned[0] / 1e3 / megabytes, (double) aligned[1] / megabytes,
                    cut[0] / 1e3 / megabytes, (double) cut[1] / megabytes);
        }
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        EmbeddedConnection stalled = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, budget,
                p -> p.add(TlsHandler.server(TlsPair.ecServer())));
        stalled.feed(new byte[] {22, 3, 1, 0x40, 0});
        System.out.println("a header alone announcing 16,384 bytes holds " + budget.used() + " bytes");
    }

    /** {@return the bytes this thread allocated so far} Through reflection: the module does not read java.management. */
    private static long allocated() throws Exception {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        return (long) m.invoke(threads);
    }

    /** {@return nanoseconds and bytes allocated to receive {@code megabytes} MiB in reads of {@code read} bytes} */
    private static long[] run(int megabytes, int read) throws Exception {
        TlsPair pair = new TlsPair(TlsPair.trustingClient("TLSv1.3"), 1, TlsPair.ecServer(), p -> { }, p -> { }, read,
                new MemoryBudget(Long.MAX_VALUE)).pump();
        SSLEngine client = pair.clientTls.engine();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteBuffer out = ByteBuffer.allocate(20_000);
        byte[] chunk = new byte[16_367];
        for (long sent = 0; sent < (long) megabytes << 20; sent += chunk.length) {
            out.clear();
            SSLEngineResult r = client.wrap(ByteBuffer.wrap(chunk), out);
            if (r.bytesProduced() != RECORD) {
                throw new AssertionError("record of " + r.bytesProduced());
            }
            wire.write(out.array(), 0, r.bytesProduced());
        }
        byte[] bytes = wire.toByteArray();
        long allocatedBefore = allocated();
        long start = System.nanoTime();
        for (int at = 0; at < bytes.length; at += read) {
            pair.server.feed(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + read)));
            pair.server.readMessages();
        }
        long nanos = System.nanoTime() - start;
        long allocated = allocated() - allocatedBefore;
        if (!pair.server.isOpen()) {
            throw new AssertionError("closed: " + pair.server.events());
        }
        return new long[] {nanos, allocated};
    }
}
