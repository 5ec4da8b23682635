package io.switchboard.bench;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpMetrics;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.http2.Http2Server;
import io.switchboard.server.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The servers of {@code bench/observe.sh}: two copies of the http example's {@code GET /plaintext} in one JVM, one
 * worker each, so that what metrics and a recording cost is measured without the ±20 % this machine's JVMs vary from
 * one start to the next. On {@code port} the framework counts nothing (the example's {@code --no-metrics}); on
 * {@code port + 1} it keeps every count (its defaults: the loops' connection and byte counts and an
 * {@link HttpMetrics}). Both run the same compiled code, so the difference between them is the counting itself.
 *
 * <p>Standard input takes {@code jfr on [default|jdk|switchboard]} (a recording starts: see {@link #start(String)})
 * and {@code jfr off} (it stops and is deleted); each is answered on standard output when done. The process ends
 * when standard input does.
 */
final class ObserveServers {
    private static final String REQUEST_EVENT = "io.switchboard.HttpRequest";
    private static final List<String> SWITCHBOARD_EVENTS = List.of("io.switchboard.ConnectionOpened",
            "io.switchboard.ConnectionClosed", REQUEST_EVENT, "io.switchboard.LoopStall", "io.switchboard.TlsHandshake",
            "io.switchboard.WebSocketSession");

    private final PrintStream out;
    private Recording recording;

    private ObserveServers(PrintStream out) {
        this.out = out;
    }

    /** Starts both servers on {@code host}, {@code port} and {@code port + 1}, then obeys standard input. */
    static int run(String host, int port, PrintStream out) throws IOException {
        HttpResponse plaintext = HttpResponse.of(200).header("Content-Type", "text/plain").body("Hello, World!");
        Server quiet = start(host, port, plaintext, false);
        Server counted = start(host, port + 1, plaintext, true);
        out.println("observe servers listening on " + host + ":" + port + " (counting nothing) and " + host + ":"
                + (port + 1) + " (counting)");
        out.flush();
        try {
            new ObserveServers(out).obey(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)));
        } finally {
            quiet.closeGracefully(Duration.ofSeconds(1));
            counted.closeGracefully(Duration.ofSeconds(1));
        }
        return 0;
    }

    private static Server start(String host, int port, HttpResponse plaintext, boolean count) {
        Routes routes = Routes.builder().get("/plaintext", (req, res) -> res.send(plaintext)).build();
        HttpService service = new HttpService(HttpConfig.DEFAULTS, routes, count ? new HttpMetrics() : null)
                .withPriorKnowledge(Http2Server.DEFAULTS);
        return Server.builder().host(host).port(port).workers(1).metrics(count).pipeline(service).start();
    }

    private void obey(BufferedReader in) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            switch (line.trim()) {
                case "jfr on", "jfr on default", "jfr on all", "jfr on jdk", "jfr on switchboard", "jfr on switchboard-all" -> {
                    if (recording == null) {
                        recording = start(line.trim().substring("jfr on".length()).trim());
                    }
                    out.println("jfr recording");
                }
                case "jfr off" -> {
                    stopRecording();
                    out.println("jfr stopped");
                }
                case "" -> {
                    // nothing asked
                }
                default -> out.println("unknown: " + line.trim() + " (jfr on, jfr off)");
            }
            out.flush();
        }
        stopRecording();
    }

    /**
     * Starts a recording to disk, two minutes kept: {@code default} (or empty) with the JDK's {@code default}
     * settings, as {@code -XX:StartFlightRecording=settings=default} would (Switchboard's request event from its own
     * 10 ms threshold); {@code all} the same with every request recorded (the threshold at 0); {@code jdk} the same
     * without Switchboard's request event (what the JDK's own events cost); {@code switchboard} Switchboard's events
     * alone, with their own settings (requests from 10 ms); {@code switchboard-all} the same, every request recorded.
     */
    private static Recording start(String settings) throws IOException {
        boolean ours = settings.startsWith("switchboard");
        Recording r = ours ? new Recording() : new Recording(defaultSettings());
        if (ours) {
            for (String event : SWITCHBOARD_EVENTS) {
                r.enable(event);
            }
            if (settings.equals("switchboard-all")) {
                r.enable(REQUEST_EVENT).withoutThreshold();
            }
        } else if (settings.equals("all")) {
            r.enable(REQUEST_EVENT).withoutThreshold();
        } else if (settings.equals("jdk")) {
            r.disable(REQUEST_EVENT);
        }
        r.setToDisk(true);
        r.setMaxAge(Duration.ofMinutes(2));
        r.start();
        return r;
    }

    private static Configuration defaultSettings() throws IOException {
        try {
            return Configuration.getConfiguration("default");
        } catch (ParseException e) {
            throw new IOException("the JDK's default JFR settings do not parse", e);
        }
    }

    private void stopRecording() {
        if (recording != null) {
            recording.close();
            recording = null;
        }
    }
}
