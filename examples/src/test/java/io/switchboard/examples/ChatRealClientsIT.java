package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat's web side with real clients from Debian packages: curl for Server-Sent Events, node's ws for WebSocket. */
class ChatRealClientsIT {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    /**
     * {@code curl -N} on /events gets, as numbered events, a line a line client says and one {@code curl -d} posts to
     * /say, and heartbeat comments when the room is silent (ping interval 1 s).
     */
    @Test
    void curlFollowsTheEventStream() throws Exception {
        Tools.require("curl", "curl");
        ExampleProcess chat = closing(ExampleProcess.start("chat", "--port", "0", "--http-port", "0",
                "--ping-interval", "1"));
        int port = chat.awaitListening();
        URI web = chat.awaitWebPage();
        ExampleProcess events = closing(ExampleProcess.command(List.of("curl", "-N", "-s", web + "events")));
        await().atMost(Duration.ofSeconds(20)).until(() -> events.stdout.stream().anyMatch(l -> l.startsWith("data: * welcome")));
        LineClient line = closing(new LineClient(port));
        await().atMost(Duration.ofSeconds(20)).until(() -> line.name() != null
                && events.stdout.stream().anyMatch(l -> l.equals("data: * " + line.name() + " joined")));

        line.say("hello from the line client");
        Tools.Result post = Tools.run(30, List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--data-binary", "hello from curl", web + "say"));
        assertEquals("204", post.stdout(), post.stderr());
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stdout.contains("data: " + line.name()
                + ": hello from the line client") && events.stdout.stream()
                .anyMatch(l -> l.matches("data: 127\\.0\\.0\\.1:\\d+: hello from curl")));
        int said = events.stdout.indexOf("data: " + line.name() + ": hello from the line client");
        assertTrue(events.stdout.get(said - 1).matches("id: \\d+"), "each line is a numbered event: " + events.stdout);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stdout.contains(":"));
    }

    /**
     * node's ws joins /ws: it is welcomed, gets a line client's line, and its own line reaches the line client and
     * comes back to it; closing its stdin closes the WebSocket with 1000 and the room says it left.
     */
    @Test
    void nodeWsJoinsTheChat() throws Exception {
        Tools.requireNodeModule("ws", "node-ws");
        ExampleProcess chat = closing(ExampleProcess.start("chat", "--port", "0", "--http-port", "0"));
        int port = chat.awaitListening();
        URI web = chat.awaitWebPage();
        LineClient line = closing(new LineClient(port));
        await().atMost(Duration.ofSeconds(20)).until(() -> line.name() != null);
        ExampleProcess node = closing(ExampleProcess.command(Tools.node("ws-chat.js",
                "ws://127.0.0.1:" + web.getPort() + "/ws")));
        await().atMost(Duration.ofSeconds(20)).until(() -> node.stdout.stream().anyMatch(l -> l.startsWith("message * welcome")));
        String nodeName = node.stdout.stream().filter(l -> l.startsWith("message * welcome, ")).findFirst().orElseThrow()
                .replaceFirst("message \\* welcome, (\\S+) .*", "$1");
        await().atMost(Duration.ofSeconds(10)).until(() -> line.received("* " + nodeName + " joined"));

        line.say("hello ✓ node");
        await().atMost(Duration.ofSeconds(10)).until(() -> node.stdout.contains("message " + line.name() + ": hello ✓ node"));
        OutputStream stdin = node.process.getOutputStream();
        stdin.write("hello line client\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> line.lines.contains(nodeName + ": hello line client")
                && node.stdout.contains("message " + nodeName + ": hello line client"));
        stdin.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.stdout.contains("close 1000")
                && line.received("* " + nodeName + " left"));
        assertEquals(0, node.awaitExit(Duration.ofSeconds(10)));
    }
}
