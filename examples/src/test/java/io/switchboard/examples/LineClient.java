package io.switchboard.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A line client of the chat port: records every line it receives on a reader thread and answers PING. */
final class LineClient implements AutoCloseable {
    final Socket socket;
    final List<String> lines = new CopyOnWriteArrayList<>();
    volatile boolean closedByServer;

    LineClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("PING")) {
                        say("PONG");
                    } else {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // closed
            }
            closedByServer = true;
        }, "line-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@return this client's name in the chat, as its welcome line gives it, or null before the welcome} */
    String name() {
        for (String line : lines) {
            if (line.startsWith("* welcome, ")) {
                return line.substring("* welcome, ".length(), line.indexOf(" ("));
            }
        }
        return null;
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
