package io.switchboard.examples;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code chat-client} command ({@link ChatClient#run}: its reconnects and their backoff) on a thread of the test,
 * its standard input fed by {@link #say}, its output and error streams kept line by line.
 */
final class ChatPeer implements AutoCloseable {
    private static final Pattern WELCOME = Pattern.compile("^\\* welcome, (\\S+) \\(");
    private static final Pattern CONNECTED = Pattern.compile("^connected to \\S+ from /?(\\S+)$");

    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
    private final Thread thread;

    private ChatPeer(int port) {
        PrintStream stdout = new PrintStream(new Lines(out), true, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(new Lines(err), true, StandardCharsets.UTF_8);
        thread = new Thread(() -> {
            try {
                ChatClient.run("127.0.0.1", port, null, new Input(input), stdout, stderr);
            } catch (Exception e) {
                err.add("chat-client failed: " + e);
            }
        }, "chat-peer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a chat-client on {@code port} and waits for the room's welcome. */
    static ChatPeer join(int port) {
        ChatPeer peer = new ChatPeer(port);
        await().atMost(Duration.ofSeconds(20)).until(() -> peer.welcomes() == 1);
        return peer;
    }

    /** Types a line. */
    void say(String line) {
        input.add((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** {@return how many times the room welcomed this client (once per connection that reached an instance)} */
    long welcomes() {
        return out.stream().filter(l -> WELCOME.matcher(l).find()).count();
    }

    /** {@return how many connections the client opened (to HAProxy)} */
    long connects() {
        return err.stream().filter(l -> CONNECTED.matcher(l).find()).count();
    }

    /** {@return the name the room gave this client in its last welcome: the address the server saw} */
    String name() {
        String name = null;
        for (String line : out) {
            Matcher m = WELCOME.matcher(line);
            if (m.find()) {
                name = m.group(1);
            }
        }
        return name;
    }

    /** {@return the client's own address on its last connection, as chat-client printed it} */
    String localAddress() {
        String address = null;
        for (String line : err) {
            Matcher m = CONNECTED.matcher(line);
            if (m.find()) {
                address = m.group(1);
            }
        }
        return address;
    }

    /** {@return the lines received that {@code sender} said, in the order they came} */
    List<String> said(String sender) {
        String prefix = sender + ": ";
        return out.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    /** Ends standard input: the client closes its connection and returns. */
    @Override
    public void close() throws InterruptedException {
        input.add(new byte[0]);
        thread.join(10_000);
    }

    /** Standard input fed from the queue; an empty array ends it. */
    private static final class Input extends InputStream {
        private final LinkedBlockingQueue<byte[]> queue;
        private byte[] chunk = new byte[0];
        private int at;
        private boolean ended;

        Input(LinkedBlockingQueue<byte[]> queue) {
            this.queue = queue;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (ended) {
                return -1;
            }
            while (at == chunk.length) {
                try {
                    chunk = queue.take();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                at = 0;
                if (chunk.length == 0) {
                    ended = true;
                    return -1;
                }
            }
            int n = Math.min(len, chunk.length - at);
            System.arraycopy(chunk, at, b, off, n);
            at += n;
            return n;
        }
    }

    /** An output stream cut into lines. */
    private static final class Lines extends OutputStream {
        private final List<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(List<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
