package io.switchboard.examples;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven through the DevTools protocol by src/test/resources/node/cdp.js (node and its ws
 * package): open pages, run JavaScript in them, read what they show. One command at a time.
 */
final class Browser implements AutoCloseable {
    /** What the chat page shows: the text of each line of its log, each encoded so that the answer is one line. */
    private static final String SHOWN =
            "Array.from(document.querySelectorAll('#log li')).map(li => encodeURIComponent(li.textContent)).join(' ')";

    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private Browser(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
        daemon(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    answers.add(line);
                }
            } catch (IOException e) {
                // the driver ended
            }
        });
        daemon(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    errors.add(line);
                }
            } catch (IOException e) {
                // the driver ended
            }
        });
    }

    /** Starts chromium under the driver and waits until the DevTools connection is up. */
    static Browser start() throws IOException, InterruptedException {
        Browser browser = new Browser(new ProcessBuilder(Tools.node("cdp.js", "chromium")).start());
        String first = browser.answers.poll(60, TimeUnit.SECONDS);
        if (!"ready".equals(first)) {
            browser.close();
            throw new AssertionError("the browser did not start: " + first + "; " + browser.errors);
        }
        return browser;
    }

    /** Opens a new page at {@code url}; returns its number. */
    int open(URI url) throws IOException, InterruptedException {
        return Integer.parseInt(ask("open " + url).substring("page ".length()));
    }

    /** {@return the string value of {@code expression} (one line of JavaScript) in page {@code page}} */
    String eval(int page, String expression) throws IOException, InterruptedException {
        return ask("eval " + page + " " + expression).substring("value ".length());
    }

    /** {@return the lines the chat page shows, in order} */
    List<String> shown(int page) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String encoded : eval(page, SHOWN).split(" ")) {
            if (!encoded.isEmpty()) {
                lines.add(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /** {@return the chat page's status text, or "loading" before the page is there} */
    String status(int page) throws IOException, InterruptedException {
        return eval(page, "document.getElementById('status') ? document.getElementById('status').textContent : 'loading'");
    }

    /** Types {@code line} into the chat page's input and submits it, as a user would; waits until it is sent. */
    void say(int page, String line) throws IOException, InterruptedException {
        String text = "decodeURIComponent('" + URLEncoder.encode(line, StandardCharsets.UTF_8).replace("+", "%20") + "')";
        await().atMost(Duration.ofSeconds(20)).until(() -> eval(page, "(() => { const input = document.getElementById('line');"
                + " input.value = " + text + "; document.getElementById('say').requestSubmit();"
                + " return input.value === '' ? 'sent' : 'not connected'; })()").equals("sent"));
    }

    private synchronized String ask(String command) throws IOException, InterruptedException {
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String answer = answers.poll(60, TimeUnit.SECONDS);
        if (answer == null || answer.startsWith("error ")) {
            throw new AssertionError(command + ": " + (answer == null ? "no answer" : answer) + "; " + errors);
        }
        return answer;
    }

    /** Closes the browser (the driver closes chromium and removes its profile), killing both if they hang. */
    @Override
    public void close() {
        try {
            commands.close();
            if (process.waitFor(15, TimeUnit.SECONDS)) {
                return;
            }
        } catch (IOException e) {
            // the driver is gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void daemon(Runnable task) {
        Thread t = new Thread(task, "browser-driver");
        t.setDaemon(true);
        t.start();
    }
}
