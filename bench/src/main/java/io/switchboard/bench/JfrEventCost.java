package io.switchboard.bench;

import io.switchboard.internal.jfr.FlightEvents;
import io.switchboard.internal.jfr.HttpRequestEvent;
import java.lang.management.ManagementFactory;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The CPU one {@code io.switchboard.HttpRequest} costs, all threads of the process counted (JFR's writer too): 4
 * rounds of 5 million events made and committed the way the HTTP stage does, under a recording with the
 * {@code default} settings and the event's threshold at 0 ({@code on}: every event written), with the event's own
 * threshold ({@code default}: each event begun and ended, none long enough to be written), or none ({@code off}, where
 * only the check runs). Run pinned to one CPU:
 * {@code taskset -c 0 java -cp switchboard-bench.jar io.switchboard.bench.JfrEventCost on}.
 */
public final class JfrEventCost {
    private JfrEventCost() {
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Prints the CPU and wall time per event of each round; argument {@code on}, {@code default} or {@code off}. */
    public static void main(String[] args) throws Exception {
        FlightEvents.watchRecorder();
        Recording recording = null;
        String mode = args.length > 0 ? args[0] : "off";
        if (mode.equals("on") || mode.equals("default")) {
            recording = new Recording(Configuration.getConfiguration("default"));
            if (mode.equals("on")) {
                recording.enable("io.switchboard.HttpRequest").withoutThreshold();
            }
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
                e.end();
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
