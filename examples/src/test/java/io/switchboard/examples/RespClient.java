package io.switchboard.examples;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A blocking RESP2 client for tests: sends a command, reads its reply. */
final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** The bytes of {@code args} as one RESP array of bulk strings. */
    static byte[] encode(Object... args) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object a : args) {
            byte[] bytes = a instanceof byte[] ? (byte[]) a : a.toString().getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(bytes);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        return b.toByteArray();
    }

    /**
     * Sends a command and reads its reply: a String for simple strings and errors ("-ERR ..."), a Long, a
     * byte[] for bulk strings (null for the null bulk string), or a List.
     */
    Object command(Object... args) throws IOException {
        out.write(encode(args));
        out.flush();
        return reply();
    }

    /** The server's INFO fields. */
    Map<String, Long> info() throws IOException {
        Map<String, Long> fields = new HashMap<>();
        for (String line : new String((byte[]) command("INFO"), StandardCharsets.UTF_8).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1)));
            }
        }
        return fields;
    }

    private Object reply() throws IOException {
        String line = line();
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+':
                return rest;
            case '-':
                return line;
            case ':':
                return Long.parseLong(rest);
            case '$': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(n + 2);
                if (bytes.length < n + 2) {
                    throw new EOFException("bulk string cut short");
                }
                return java.util.Arrays.copyOf(bytes, n);
            }
            case '*': {
                int n = Integer.parseInt(rest);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(reply());
                }
                return items;
            }
            default:
                throw new IOException("not RESP: " + line);
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
