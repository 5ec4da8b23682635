package io.switchboard.websocket;

import io.switchboard.lifecycle.ConnectionGroup;
import io.switchboard.testing.EmbeddedConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures what a broadcast to N WebSocket connections costs the broadcasting thread, a {@code String} against a
 * {@link WebSocketFrame} of the same text: CPU time and bytes allocated per broadcast, for the broadcast call alone
 * (each member's stage frames the message and its connection queues the bytes) and for the broadcast with the
 * flush that follows (the embedded transport's copy of the output counted in). Members are server stages in
 * {@link EmbeddedConnection}s, all on the measuring thread. Not a test: a program, so that docs/websocket.md can say
 * how its numbers were taken. Run from the framework module after {@code mvn test-compile}:
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp target/classes:target/test-classes:$SLF4J_API_JAR \
 *     io.switchboard.websocket.BroadcastCost 1000 128 1024 20000
 * </pre>
 */
final class BroadcastCost {
    private static final int WARMUP = 300;
    private static final int ROUNDS = 1000;

    private BroadcastCost() {
    }

    public static void main(String[] args) {
        int members = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        ConnectionGroup group = new ConnectionGroup();
        List<EmbeddedConnection> connections = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            EmbeddedConnection c = new EmbeddedConnection(p -> p.add(WebSocketStage.server(new WebSocketHandler() { },
                    WebSocketConfig.DEFAULTS, null)));
            connections.add(c);
            group.add(c.connection());
        }
        System.out.printf("%d members; per broadcast: CPU µs (broadcast call / with flush), bytes allocated (call)%n", members);
        for (int a = 1; a < Math.max(args.length, 2); a++) {
            int length = args.length > a ? Integer.parseInt(args[a]) : 128;
            String text = "a chat line of some length, ".repeat(length / 28 + 1).substring(0, length);
            WebSocketFrame frame = WebSocketFrame.text(text);
            for (int i = 0; i < WARMUP; i++) {
                round(group, connections, text);
                round(group, connections, frame);
            }
            long[] string = new long[3];
            long[] framed = new long[3];
            for (int i = 0; i < ROUNDS; i++) { // alternated, so that both see the same machine
                add(string, round(group, connections, text));
                add(framed, round(group, connections, frame));
            }
            System.out.printf("%6d chars: String %8.1f / %8.1f µs %10d B | frame %8.1f / %8.1f µs %10d B%n", length,
                    string[0] / 1e3 / ROUNDS, string[1] / 1e3 / ROUNDS, string[2] / ROUNDS,
                    framed[0] / 1e3 / ROUNDS, framed[1] / 1e3 / ROUNDS, framed[2] / ROUNDS);
        }
    }

    /** {@return CPU nanoseconds of the broadcast call, CPU nanoseconds with the flush, bytes allocated by the call} */
    private static long[] round(ConnectionGroup group, List<EmbeddedConnection> connections, Object message) {
        long cpu = Allocation.cpuNanos();
        long allocated = Allocation.thisThread();
        group.broadcast(message);
        long callCpu = Allocation.cpuNanos() - cpu;
        long callAllocated = Allocation.thisThread() - allocated;
        for (EmbeddedConnection c : connections) {
            c.runPending().discardWritten();
        }
        return new long[] {callCpu, Allocation.cpuNanos() - cpu, callAllocated};
    }

    private static void add(long[] sum, long[] one) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += one[i];
        }
    }
}
