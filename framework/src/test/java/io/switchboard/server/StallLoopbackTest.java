package io.switchboard.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.loop.LoopGroup;
import io.switchboard.loop.SelectorLoop;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The stalled-loop detector with its defaults: an HTTP handler that sleeps 3 s on its loop (over the 2 s limit) is
 * logged once at warn, with the loop thread's stack holding the handler's frame, counted once, and recorded as a JFR
 * loop stall while a recording runs.
 */
class StallLoopbackTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.switchboard.loop");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<RecordedEvent> stalls = new CopyOnWriteArrayList<>();
    private RecordingStream stream;
    private Server server;

    @BeforeEach
    void start() {
        logs.start();
        logger.addAppender(logs);
        Routes routes = Routes.builder().get("/slow", (req, res) -> {
            sleepsOnTheLoop();
            res.send(HttpResponse.of(200).body("slept"));
        }).build();
        server = Server.builder().workers(1).pipeline(new HttpService(routes)).start();
        stream = new RecordingStream();
        stream.setReuse(false); // the events are kept after the callback
        stream.enable("io.switchboard.LoopStall");
        stream.onEvent("io.switchboard.LoopStall", stalls::add);
        stream.startAsync();
    }

    @AfterEach
    void stop() {
        logger.detachAppender(logs);
        stream.close();
        server.close();
    }

    /** The handler's blocking call under test: 3 s on the loop thread, past the default limit of 2 s. */
    private static void sleepsOnTheLoop() {
        try {
            Thread.sleep(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aHandlerThatSleepsThreeSecondsOnItsLoopIsLoggedOnceWithItsFrame() throws Exception {
        SelectorLoop worker = server.metrics().loops().get(0);
        assertEquals(LoopGroup.DEFAULT_STALL_LIMIT, worker.stallLimit());
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.endsWith("slept"), answer);
        }
        // the loop came back: its next turn has seen the end of the stall (the JFR event is committed then)
        await().atMost(15, TimeUnit.SECONDS).until(() -> !stalls.isEmpty());
        assertEquals(1, worker.stalls(), "one stall counted");

        String name = worker.thread().getName();
        List<ILoggingEvent> warnings = logs.list.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("event loop " + name + " "))
                .collect(Collectors.toList());
        assertEquals(1, warnings.size(), "one warning for the one stall: " + logs.list);
        ILoggingEvent warning = warnings.get(0);
        String message = warning.getFormattedMessage();
        assertTrue(message.contains("by a read"), message);
        boolean handlerFrame = false;
        for (StackTraceElementProxy f : warning.getThrowableProxy().getStackTraceElementProxyArray()) {
            StackTraceElement e = f.getStackTraceElement();
            handlerFrame |= e.getClassName().equals(StallLoopbackTest.class.getName())
                    && e.getMethodName().equals("sleepsOnTheLoop");
        }
        assertTrue(handlerFrame, "the loop thread's stack holds the handler's frame");

        RecordedEvent stall = stalls.get(0);
        assertEquals(worker.thread().getName(), stall.getString("loop"));
        assertEquals("read", stall.getString("phase"));
        assertTrue(stall.getString("task").contains("StallLoopbackTest.sleepsOnTheLoop"), stall.getString("task"));
        assertTrue(stall.getDuration("held").compareTo(LoopGroup.DEFAULT_STALL_LIMIT) >= 0, "held past the limit: " + stall);
        assertEquals(worker.thread().getName(), stall.getThread().getJavaName(), "committed by the loop itself");
    }
}
