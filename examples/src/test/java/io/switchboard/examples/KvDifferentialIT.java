package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kv example against a real redis-server (Debian's redis-server, started here on a free port): the same
 * commands to both, every reply compared byte for byte. Covers every command the example lists, with the
 * options, errors and edge cases users meet; INFO, COMMAND and CONFIG are left out (they describe the server).
 */
class KvDifferentialIT {
    /** Each line is one command, words separated by spaces; the same sequence runs against both servers. */
    private static final List<String> COMMANDS = List.of(
            "PING", "PING hello", "ping", "ECHO abc", "ECHO",
            "GET nothing", "SET k v", "GET k", "get k", "SET k", "GET",
            "SET k v NX", "SET new v NX", "SET k w XX", "GET k", "SET absent v XX", "EXISTS absent",
            "set n v nx ex 100", "TTL n", "SET n v2 XX KEEPTTL", "TTL n", "SET n v3 XX", "TTL n",
            "SET n v4 GET", "SET fresh v GET", "SET fresh w NX GET", "GET fresh", "SET g v XX GET",
            "SET k v NX XX", "SET k v EX 10 PX 10", "SET k v EX 10 KEEPTTL", "SET k v EX", "SET k v SOON",
            "SET k v EX ten", "SET k v EX 0", "SET k v EX -1", "SET k v PX 0", "SET k v PXAT -5",
            "SET a v EX 9223372036854775807", "SET a v PX 9223372036854775807", "EXISTS a",
            "SET p v PX 100000", "TTL p", "SET q v PX 1200", "TTL q", "SET e v EX 1000", "TTL e",
            "INCR counter", "INCR counter", "INCR k", "SET big 9223372036854775807", "INCR big", "GET big",
            "SET neg -5", "INCR neg", "SET spaced \" 1\"",
            "MSET a 1 b 2", "MSET a", "MGET a nothing b", "MGET",
            "EXISTS a b nothing", "EXISTS", "DEL a b nothing", "DEL",
            "SET x v", "EXPIRE x 100", "TTL x", "EXPIRE missing 5", "EXPIRE x ten", "EXPIRE x",
            "EXPIRE x 9223372036854775807", "EXPIRE x 9223372036854775", "TTL x", "EXPIRE x 0", "EXISTS x",
            "SET y v", "EXPIRE y -1", "EXISTS y", "TTL y", "TTL",
            "DBSIZE", "FLUSHALL", "DBSIZE", "NOPE", "NOPE x y");

    @Test
    void everyReplyMatchesRedisServerByteForByte() throws Exception {
        Tools.require("redis-server", "redis-server");
        int redisPort = freePort();
        Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (ExampleProcess kv = ExampleProcess.start("kv", "--port", "0", "--workers", "1")) {
            int kvPort = kv.awaitListening();
            await("redis-server listening").atMost(Duration.ofSeconds(20)).until(() -> answersPing(redisPort));
            List<String> mismatches = new ArrayList<>();
            try (Socket a = connect(kvPort); Socket b = connect(redisPort)) {
                for (String line : COMMANDS) {
                    byte[] request = encode(words(line));
                    String ours = reply(a, request);
                    String theirs = reply(b, request);
                    if (!ours.equals(theirs)) {
                        mismatches.add(line + "\n    kv:           " + printable(ours)
                                + "\n    redis-server: " + printable(theirs));
                    }
                }
            }
            assertEquals(List.of(), mismatches, COMMANDS.size() + " commands, replies that differ:\n"
                    + String.join("\n", mismatches));
        } finally {
            redis.destroy();
            redis.waitFor();
        }
    }

    /** Splits a line on spaces; a double-quoted word keeps its spaces. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ' ' && !quoted) {
                words.add(word.toString());
                word.setLength(0);
            } else {
                word.append(ch);
            }
        }
        words.add(word.toString());
        return words;
    }

    private static byte[] encode(List<String> words) {
        StringBuilder b = new StringBuilder("*").append(words.size()).append("\r\n");
        for (String w : words) {
            b.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String reply(Socket s, byte[] request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        readReply(s.getInputStream(), raw);
        return raw.toString(StandardCharsets.ISO_8859_1);
    }

    /** Copies exactly one RESP2 reply, nested arrays included, to {@code raw}. */
    private static void readReply(InputStream in, ByteArrayOutputStream raw) throws IOException {
        String line = line(in, raw);
        char type = line.charAt(0);
        if (type == '$') {
            int n = Integer.parseInt(line.substring(1));
            if (n >= 0) {
                raw.write(in.readNBytes(n + 2));
            }
        } else if (type == '*') {
            int n = Integer.parseInt(line.substring(1));
            for (int i = 0; i < n; i++) {
                readReply(in, raw);
            }
        }
    }

    private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed mid-reply after " + line);
            }
            raw.write(b);
            if (prev == '\r' && b == '\n') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
            prev = b;
        }
    }

    private static boolean answersPing(int port) {
        try (Socket s = connect(port)) {
            return reply(s, encode(List.of("PING"))).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String printable(String reply) {
        return reply.replace("\r", "\\r").replace("\n", "\\n");
    }
}
