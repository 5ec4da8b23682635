package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat page in headless Chromium (Debian's chromium, driven through the DevTools protocol by node's ws, Debian's
 * node-ws): two pages and a line client exchange lines both ways, once over WebSocket and once over Server-Sent
 * Events, and the test reads what each page shows.
 */
class ChatBrowserIT {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void twoPagesAndALineClientOverWebSocket() throws Exception {
        exchange("", "connected (WebSocket)");
    }

    @Test
    void twoPagesAndALineClientOverServerSentEvents() throws Exception {
        exchange("?transport=sse", "connected (Server-Sent Events)");
    }

    /**
     * Page A, page B and the line client each say a line, one after the other: each page shows all three in the order
     * they were said (its own included), after its welcome and the other page's arrival; the line client gets the two
     * pages' lines.
     */
    private void exchange(String query, String connected) throws Exception {
        Tools.require("chromium", "chromium");
        Tools.requireNodeModule("ws", "node-ws");
        ExampleProcess chat = ExampleProcess.start("chat", "--port", "0", "--http-port", "0");
        toClose.add(chat);
        int port = chat.awaitListening();
        URI page = chat.awaitWebPage().resolve("/" + query);
        LineClient line = new LineClient(port);
        toClose.add(line);
        await().atMost(Duration.ofSeconds(20)).until(() -> line.name() != null);
        Browser browser = Browser.start();
        toClose.add(browser);

        int a = browser.open(page);
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.status(a).equals(connected)
                && browser.shown(a).stream().anyMatch(l -> l.startsWith("* welcome")));
        int b = browser.open(page);
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.status(b).equals(connected)
                && browser.shown(b).stream().anyMatch(l -> l.startsWith("* welcome")));
        String nameA = name(browser.shown(a));
        String nameB = name(browser.shown(b));
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.shown(a).contains("* " + nameB + " joined")
                && line.received("* " + nameA + " joined") && line.received("* " + nameB + " joined"));

        browser.say(a, "hello from page A ✓");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.shown(b).contains(nameA + ": hello from page A ✓")
                && line.lines.contains(nameA + ": hello from page A ✓"));
        browser.say(b, "hello from page B");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.shown(a).contains(nameB + ": hello from page B")
                && line.lines.contains(nameB + ": hello from page B"));
        line.say("hello from the line client");
        String fromLine = line.name() + ": hello from the line client";
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.shown(a).contains(fromLine)
                && browser.shown(b).contains(fromLine));

        List<String> said = List.of(nameA + ": hello from page A ✓", nameB + ": hello from page B", fromLine);
        assertEquals(said, browser.shown(a).stream().filter(said::contains).toList(), "page A: " + browser.shown(a));
        assertEquals(said, browser.shown(b).stream().filter(said::contains).toList(), "page B: " + browser.shown(b));
    }

    /** The page's name in the chat, from its welcome line. */
    private static String name(List<String> shown) {
        String welcome = shown.stream().filter(l -> l.startsWith("* welcome, ")).findFirst().orElseThrow();
        return welcome.substring("* welcome, ".length(), welcome.indexOf(" ("));
    }
}
