package io.switchboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One question to a Redis-protocol server over a new connection, for the suite's kv scenario: does a key exist.
 * Stateless; each call opens and closes its own connection.
 */
final class RespProbe {
    /** The key redis-benchmark's SET and GET use without {@code -r}: the placeholder is left as it is. */
    static final String BENCHMARK_KEY = "key:__rand_int__";
    private static final int TIMEOUT_MILLIS = 10_000;
    /** Longest reply line read: EXISTS answers {@code :0} or {@code :1}. */
    private static final int MAX_LINE = 1024;

    private RespProbe() {
    }

    /** {@return true when the server on 127.0.0.1:{@code port} answers {@code EXISTS key} with 1} */
    static boolean exists(int port, String key) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            out.write(command("EXISTS", key));
            out.flush();
            return reply(s.getInputStream()).equals(":1");
        }
    }

    /** A command as a RESP array of bulk strings. */
    static byte[] command(String... words) {
        StringBuilder b = new StringBuilder("*").append(words.length).append("\r\n");
        for (String w : words) {
            b.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The first line of the reply, without its CRLF. */
    private static String reply(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0 || line.length() > MAX_LINE) {
                throw new IOException("no reply line: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
