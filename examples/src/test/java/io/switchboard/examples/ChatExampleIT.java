package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat server and client as users run them. */
class ChatExampleIT {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** A raw chat participant that records every line it receives, on a reader thread. */
    private final class Participant implements AutoCloseable {
        final Socket socket;
        final List<String> lines = new CopyOnWriteArrayList<>();
        volatile boolean closedByServer;

        Participant(int port, boolean answerPings) throws IOException {
            socket = new Socket("127.0.0.1", port);
            toClose.add(this);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                        if (answerPings && line.equals("PING")) {
                            say("PONG");
                        }
                    }
                    closedByServer = true;
                } catch (IOException e) {
                    closedByServer = true;
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        synchronized void say(String line) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        boolean received(String text) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private ExampleProcess start(String... args) throws IOException {
        ExampleProcess p = ExampleProcess.start(args);
        toClose.add(p);
        return p;
    }

    @Test
    void everyLineReachesEveryOtherClient() throws Exception {
        int port = start("chat", "--port", "0", "--http-port", "0").awaitListening();
        Participant a = new Participant(port, true);
        Participant b = new Participant(port, true);
        Participant c = new Participant(port, true);
        // Each is welcomed after it joined the room; the three may be on different loops, so wait for all three.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> a.received("welcome") && b.received("welcome") && c.received("welcome"));
        a.say("hello from a ✓");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.received("hello from a ✓") && c.received("hello from a ✓"));
        assertTrue(a.lines.stream().noneMatch(l -> l.contains("hello from a")), "the sender does not get its own line");
    }

    @Test
    void silentClientsArePingedThenClosed() throws Exception {
        int port = start("chat", "--port", "0", "--http-port", "0", "--ping-interval", "1", "--idle-timeout", "3")
                .awaitListening();
        Participant silent = new Participant(port, false);
        Participant answering = new Participant(port, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> silent.lines.contains("PING"));
        await().atMost(Duration.ofSeconds(15)).until(() -> silent.closedByServer);
        assertTrue(!answering.closedByServer, "a client that answers PONG stays online");
        assertTrue(answering.lines.contains("PING"));
    }

    @Test
    void chatClientSendsStdinPrintsTheChatAndReconnectsAfterARestart() throws Exception {
        ExampleProcess server = start("chat", "--port", "0", "--http-port", "0");
        int port = server.awaitListening();
        ExampleProcess client = start("chat-client", "--port", String.valueOf(port));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.stderr.stream().anyMatch(l -> l.contains("connected to")));
        Participant other = new Participant(port, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> other.received("welcome"));
        other.say("hi client");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.stdout.stream().anyMatch(l -> l.contains("hi client")));
        OutputStream stdin = client.process.getOutputStream();
        stdin.write("hi other\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> other.received("hi other"));

        server.process.destroy();
        server.awaitExit(Duration.ofSeconds(10));
        ExampleProcess again = start("chat", "--port", String.valueOf(port), "--http-port", "0");
        assertEquals(port, again.awaitListening());
        await().atMost(Duration.ofSeconds(20)).until(
                () -> client.stderr.stream().filter(l -> l.contains("connected to")).count() == 2);
        Participant later = new Participant(port, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> later.received("welcome"));
        stdin.write("back again\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> later.received("back again"));
        stdin.close();
        assertEquals(0, client.awaitExit(Duration.ofSeconds(10)));
    }
}
