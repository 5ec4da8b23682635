package io.switchboard.bench;

import io.switchboard.internal.jfr.FlightEvents;
import io.switchboard.internal.jfr.HttpRequestEvent;
import java.lang.management.ManagementFactory;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The CPU one recorded {@code io.switchboard.HttpRequest} costs, all threads of the process counted (JFR's writer
 * too): 4 rounds of 5 million events made and committed the way the HTTP stage does, under a recording with the
 * {@code default} settings ({@code on}) or none ({@code off}, where only the check runs). Run pinned to one CPU:
 * {@code taskset -c 0 java -cp switchboard-bench.jar io.switchboard.bench.JfrEventCost on}.
 */
public final class JfrEventCost {
    private JfrEventCost() {
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Prints the CPU and wall time per event of each round; argument {@code on} or {@code off}. */
    public static void main(String[] args) throws Exception {
        FlightEvents.watchRecorder();
        Recording recording = null;
        if (args.length > 0 && args[0].equals("on")) {
            recording = new Recording(Configuration.getConfiguration("default"));
            recording.start();
        }
        String remote = "/127.0.0.1:51340";
        long skipped = 0;
        for (int round = 0; round < 4; round++) {
            int n = 5_000_000;
            long c0 = cpu();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (!FlightEvents.httpRequest()) {
                    skipped++;
                    continue;
                }
                HttpRequestEvent e = new HttpRequestEvent();
                e.begin();
                if (e.shouldCommit()) {
                    e.method = "GET";
                    e.path = "/plaintext";
                    e.route = "/plaintext";
                    e.status = 200;
                    e.responseBytes = 13;
                    e.remoteAddress = remote;
                    e.commit();
                }
            }
            System.out.printf("round %d: %.1f ns CPU per event (all threads), %.1f ns wall%n", round,
                    (cpu() - c0) / (double) n, (System.nanoTime() - t0) / (double) n);
        }
        if (recording != null) {
            recording.close();
        }
        System.out.println("events skipped (no recording): " + skipped);
    }
}
