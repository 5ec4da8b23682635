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
    void errorsAreRespErrors() {
        assertTrue(run("NOPE x").startsWith("-ERR unknown command 'nope', with args beginning with: 'x'"));
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", run("GET"));
        assertEquals("-ERR syntax error\r\n", run("SET k v XX 1"));
        assertEquals("-ERR invalid expire time in 'set' command\r\n", run("SET k v EX -1"));
        assertTrue(c.isOpen(), "command errors keep the connection");
        assertEquals("+OK\r\n", run("QUIT"));
        assertTrue(c.isClosed());
    }
}
