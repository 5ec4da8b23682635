package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client role of RESP2: every reply type at every split, nested arrays resumed, every bound and malformed form. */
class RespClientCodecTest {
    private static EmbeddedConnection codec() {
        return new EmbeddedConnection(p -> p.add(new RespClientCodec(1024, 8)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyReplyTypeAtEverySplit() {
        byte[] input = bytes("+OK\r\n-ERR no\r\n:42\r\n:-7\r\n$5\r\nhe\r\nx\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n"
                + "*3\r\n$7\r\nmessage\r\n$4\r\nroom\r\n$2\r\nhi\r\n"
                + "*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n+x\r\n");
        Splits.check(input, RespClientCodecTest::codec, c -> {
            List<Object> replies = c.readMessages();
            assertEquals(11, replies.size(), replies.toString());
            assertEquals("OK", replies.get(0));
            assertEquals(new RedisError("ERR no"), replies.get(1));
            assertEquals(42L, replies.get(2));
            assertEquals(-7L, replies.get(3));
            assertArrayEquals(bytes("he\r\nx"), (byte[]) replies.get(4), "a bulk string may hold CRLF");
            assertArrayEquals(new byte[0], (byte[]) replies.get(5));
            assertSame(RespClientCodec.NIL, replies.get(6));
            assertSame(RespClientCodec.NIL, replies.get(7));
            assertEquals(List.of(), replies.get(8));
            List<?> message = (List<?>) replies.get(9);
            assertEquals("message", new String((byte[]) message.get(0), StandardCharsets.UTF_8));
            assertEquals("hi", new String((byte[]) message.get(2), StandardCharsets.UTF_8));
            assertEquals(List.of(List.of(1L, 2L), List.of("x")), replies.get(10));
            assertTrue(c.isOpen());
        });
    }

    @Test
    void writesCommandsAsArraysOfBulkStrings() {
        EmbeddedConnection c = codec();
        c.connection().writeAndFlush(List.of("PUBLISH", "room", bytes("a\r\nb"), 7));
        assertEquals("*4\r\n$7\r\nPUBLISH\r\n$4\r\nroom\r\n$4\r\na\r\nb\r\n$1\r\n7\r\n", c.takeWrittenString());
    }

    @Test
    void boundsCloseTheConnection() {
        for (String input : List.of("$1025\r\n", "*9\r\n", "*1\r\n".repeat(9) + ":1\r\n", "+" + "x".repeat(70_000))) {
            EmbeddedConnection c = codec().feed(input);
            assertFalse(c.isOpen(), input.substring(0, Math.min(20, input.length())) + " must close");
            assertTrue(c.events().contains("exception:FrameTooLongException"), c.events().toString());
        }
        // A bulk string of exactly the limit is fine, however it is cut.
        String exact = "$1024\r\n" + "y".repeat(1024) + "\r\n";
        Splits.check(bytes(exact), RespClientCodecTest::codec, c -> assertEquals(1024, ((byte[]) c.readMessage()).length));
    }

    @Test
    void malformedRepliesCloseTheConnection() {
        for (String input : List.of("?x\r\n", ":12a\r\n", ":\r\n", "$3\r\nabcd\r\n", "+a\rb\r\n", "$-2\r\n", "*-3\r\n")) {
            EmbeddedConnection c = codec().feed(input);
            assertFalse(c.isOpen(), input.strip() + " must close");
            assertTrue(c.events().contains("exception:ProtocolException"), input.strip() + ": " + c.events());
        }
    }
}
