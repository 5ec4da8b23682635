package io.switchboard.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The commands through a whole pipeline, with a clock the test moves for expiry. */
class KvHandlerTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new RespCodec(1024, 64, 4096))
            .add(new KvHandler(new KvStore(now::get))));

    private String run(String inline) {
        c.feed(inline + "\r\n");
        return c.takeWrittenString();
    }

    @Test
    void stringsCountersAndKeys() {
        assertEquals("+PONG\r\n", run("PING"));
        assertEquals("$2\r\nhi\r\n", run("PING hi"));
        assertEquals("$3\r\nabc\r\n", run("ECHO abc"));
        assertEquals("+OK\r\n", run("SET k v"));
        assertEquals("$1\r\nv\r\n", run("get k"));
        assertEquals(":1\r\n", run("INCR n"));
        assertEquals(":2\r\n", run("INCR n"));
        assertEquals("-ERR value is not an integer or out of range\r\n", run("INCR k"));
        assertEquals("+OK\r\n", run("MSET a 1 b 2"));
        assertEquals("*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n", run("MGET a nope b"));
        assertEquals(":2\r\n", run("EXISTS a b nope"));
        assertEquals(":4\r\n", run("DBSIZE"));
        assertEquals(":2\r\n", run("DEL a b nope"));
        assertEquals("+OK\r\n", run("FLUSHALL"));
        assertEquals(":0\r\n", run("DBSIZE"));
    }

    @Test
    void expiryFollowsTheClock() {
        run("SET s v EX 10");
        run("SET p v PX 1500");
        run("SET forever v");
        assertEquals(":10\r\n", run("TTL s"));
        assertEquals(":-1\r\n", run("TTL forever"));
        assertEquals(":-2\r\n", run("TTL missing"));
        now.addAndGet(1500);
        assertEquals("$-1\r\n", run("GET p"));
        assertEquals(":9\r\n", run("TTL s"));
        assertEquals(":1\r\n", run("EXPIRE forever 5"));
        assertEquals(":0\r\n", run("EXPIRE missing 5"));
        now.addAndGet(5000);
        assertEquals(":0\r\n", run("EXISTS forever"));
        assertEquals(":1\r\n", run("DBSIZE"));
        now.addAndGet(5000);
        assertEquals(":0\r\n", run("DBSIZE"));
    }

    @Test
    void setTakesRedisServersOptions() {
        String nil = "$-1\r\n";
        assertEquals("+OK\r\n", run("SET k v NX"), "NX on a missing key sets it");
        assertEquals(nil, run("SET k w NX"), "NX on an existing key: a null bulk, nothing set");
        assertEquals("$1\r\nv\r\n", run("GET k"));
        assertEquals("+OK\r\n", run("set k w xx"), "options in lower case too");
        assertEquals(nil, run("SET missing v XX"));
        assertEquals(":0\r\n", run("EXISTS missing"));
        assertEquals("+OK\r\n", run("SET n v NX EX 100"));
        assertEquals(":100\r\n", run("TTL n"));
        assertEquals("+OK\r\n", run("SET n v2 XX KEEPTTL"));
        assertEquals(":100\r\n", run("TTL n"), "KEEPTTL keeps the expiry");
        assertEquals("+OK\r\n", run("SET n v3 XX"));
        assertEquals(":-1\r\n", run("TTL n"), "a plain SET drops the expiry");
        assertEquals("$2\r\nv3\r\n", run("SET n v4 GET"), "GET answers the old value");
        assertEquals(nil, run("SET fresh v GET"), "GET on a missing key: a null bulk, and the key is set");
        assertEquals("$1\r\nv\r\n", run("GET fresh"));
        assertEquals("$1\r\nv\r\n", run("SET fresh w NX GET"), "NX with GET: the old value, nothing set");
        assertEquals("$1\r\nv\r\n", run("GET fresh"));
        long at = now.get() / 1000 + 50;
        assertEquals("+OK\r\n", run("SET a v EXAT " + at));
        assertEquals(":50\r\n", run("TTL a"));
        assertEquals("+OK\r\n", run("SET b v PXAT " + (now.get() + 2000)));
        assertEquals(":2\r\n", run("TTL b"));
    }

    @Test
    void setRefusesWhatRedisServerRefuses() {
        String syntax = "-ERR syntax error\r\n";
        assertEquals(syntax, run("SET k v NX XX"));
        assertEquals(syntax, run("SET k v EX 10 PX 10"));
        assertEquals(syntax, run("SET k v EX 10 KEEPTTL"));
        assertEquals(syntax, run("SET k v EX"));
        assertEquals(syntax, run("SET k v SOON"));
        assertEquals("-ERR value is not an integer or out of range\r\n", run("SET k v EX ten"));
        String invalid = "-ERR invalid expire time in 'set' command\r\n";
        assertEquals(invalid, run("SET k v EX 0"));
        assertEquals(invalid, run("SET k v PXAT -5"));
        // now + ttl must not wrap into the past: redis-server refuses these; the key was set and gone before.
        assertEquals(invalid, run("SET a v EX 9223372036854775807"));
        assertEquals(invalid, run("SET a v PX 9223372036854775807"));
        assertEquals(":0\r\n", run("EXISTS a"));
        assertEquals("+OK\r\n", run("SET e v"));
        assertEquals("-ERR invalid expire time in 'expire' command\r\n", run("EXPIRE e 9223372036854775807"));
        assertEquals("-ERR invalid expire time in 'expire' command\r\n", run("EXPIRE e 9223372036854775"));
        assertEquals(":-1\r\n", run("TTL e"), "a refused EXPIRE leaves the key as it was");
    }

    @Test
    void errorsAreRespErrors() {
        assertEquals("-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n", run("NOPE x"));
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", run("GET"));
        assertEquals("-ERR syntax error\r\n", run("SET k v XX 1"));
        assertEquals("-ERR invalid expire time in 'set' command\r\n", run("SET k v EX -1"));
        assertTrue(c.isOpen(), "command errors keep the connection");
        assertEquals("+OK\r\n", run("QUIT"));
        assertTrue(c.isClosed());
    }
}
