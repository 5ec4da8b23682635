package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kv example driven by the real Redis clients from Debian's redis-tools. */
class KvExampleIT {
    private static ExampleProcess server;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        server = ExampleProcess.start("kv", "--port", "0", "--workers", "2");
        port = server.awaitListening();
    }

    @AfterAll
    static void stop() {
        server.process.destroy();
        server.awaitExit(Duration.ofSeconds(10));
    }

    private String cli(String... args) throws Exception {
        Tools.require("redis-cli", "redis-tools");
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        Tools.Result r = Tools.run(30, command);
        assertEquals(0, r.exit(), r.stderr());
        return r.stdout().strip();
    }

    @Test
    void everyCommandThroughRedisCli() throws Exception {
        assertEquals("PONG", cli("PING"));
        assertEquals("hello", cli("ECHO", "hello"));
        assertEquals("OK", cli("SET", "cli:k", "v1"));
        assertEquals("v1", cli("GET", "cli:k"));
        assertEquals("OK", cli("SET", "cli:t", "x", "EX", "100"));
        assertEquals("100", cli("TTL", "cli:t"));
        assertEquals("OK", cli("SET", "cli:p", "x", "PX", "100000"));
        assertEquals("1", cli("INCR", "cli:n"));
        assertEquals("2", cli("INCR", "cli:n"));
        assertEquals("OK", cli("MSET", "cli:a", "1", "cli:b", "2"));
        assertEquals("1\n2", cli("MGET", "cli:a", "cli:b", "cli:none"), "the missing key is an empty line");
        assertEquals("2", cli("EXISTS", "cli:a", "cli:b", "cli:none"));
        assertEquals("1", cli("EXPIRE", "cli:a", "50"));
        assertEquals("50", cli("TTL", "cli:a"));
        assertEquals("-1", cli("TTL", "cli:k"));
        assertEquals("2", cli("DEL", "cli:a", "cli:b"));
        assertTrue(Long.parseLong(cli("DBSIZE")) >= 4);
        assertTrue(cli("NOSUCH").startsWith("ERR unknown command"));
        assertEquals("OK", cli("FLUSHALL"));
        assertEquals("0", cli("DBSIZE"));
        assertEquals("OK", cli("QUIT"));
        assertTrue(cli("COMMAND").isEmpty() || cli("COMMAND").equals("(empty array)"));
    }

    @Test
    void redisBenchmarkPipelinedHasNoErrors() throws Exception {
        Tools.require("redis-benchmark", "redis-tools");
        Tools.Result r = Tools.run(120, List.of("redis-benchmark", "-p", String.valueOf(port),
                "-t", "set,get", "-P", "16", "-n", "200000", "-q"));
        assertEquals(0, r.exit(), r.stderr());
        String out = r.stdout().replace('\r', '\n');
        Matcher set = Pattern.compile("SET: ([\\d.]+) requests per second").matcher(out);
        Matcher get = Pattern.compile("GET: ([\\d.]+) requests per second").matcher(out);
        assertTrue(set.find() && get.find(), out);
        assertFalse(out.toLowerCase().contains("error"), out);
        assertEquals("OK", cli("SET", "after", "benchmark"), "the server is fine afterwards");
    }
}
