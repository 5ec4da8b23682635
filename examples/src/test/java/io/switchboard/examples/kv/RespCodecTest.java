package io.switchboard.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespCodecTest {

    private static EmbeddedConnection codec() {
        return new EmbeddedConnection(p -> p.add(new RespCodec(64, 8, 200)));
    }

    @SuppressWarnings("unchecked")
    private static List<String> words(Object command) {
        return ((List<byte[]>) command).stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void decodesArraysAndInlineCommandsAtEverySplit() {
        byte[] input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\nal\r\nPING\r\n*1\r\n$0\r\n\r\nGET  x\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        Splits.check(input, RespCodecTest::codec, c -> {
            List<Object> commands = c.readMessages();
            assertEquals(4, commands.size());
            assertEquals(List.of("SET", "k", "v\r\nal"), words(commands.get(0)), "bulk strings are binary-safe");
            assertEquals(List.of("PING"), words(commands.get(1)));
            assertEquals(List.of(""), words(commands.get(2)));
            assertEquals(List.of("GET", "x"), words(commands.get(3)));
        });
    }

    @Test
    void oversizeBulkClosesBeforeTheBytesArrive() {
        EmbeddedConnection c = codec().feed("*1\r\n$65\r\n");
        assertFalse(c.isOpen());
        assertTrue(c.events().contains("exception:FrameTooLongException"), c.events().toString());
    }

    @Test
    void aCommandOverItsTotalLimitClosesEvenWhenEachArgumentIsSmall() {
        EmbeddedConnection c = codec();
        c.feed("*8\r\n");
        for (int i = 0; i < 4 && c.isOpen(); i++) {
            c.feed("$60\r\n" + "x".repeat(60) + "\r\n");
        }
        assertFalse(c.isOpen(), "4 x 60 bytes exceed the 200-byte command limit");
    }

    @Test
    void oversizeArrayCloses() {
        EmbeddedConnection c = codec().feed("*9\r\n");
        assertFalse(c.isOpen());
    }

    @Test
    void encodesEveryReplyType() {
        EmbeddedConnection c = codec();
        c.connection().write(Resp.OK);
        c.connection().write(new Resp.Error("ERR bad"));
        c.connection().write(42L);
        c.connection().write("héllo");
        c.connection().write(Resp.NULL);
        c.connection().write(List.of("a".getBytes(StandardCharsets.US_ASCII), Resp.NULL, 7L));
        c.runPending();
        assertEquals("+OK\r\n-ERR bad\r\n:42\r\n$6\r\nhéllo\r\n$-1\r\n*3\r\n$1\r\na\r\n$-1\r\n:7\r\n", c.takeWrittenString());
    }

    @Test
    void bulkRepliesCarryTheirLengthWhateverItsDigits() {
        // 0 to 5 digits, on both sides of the size (4096) from which the value is written apart from its header
        for (int length : new int[] {0, 9, 10, 99, 100, 4095, 4096, 10_000}) {
            EmbeddedConnection c = codec();
            c.connection().write("v".repeat(length).getBytes(StandardCharsets.US_ASCII));
            c.runPending();
            assertEquals("$" + length + "\r\n" + "v".repeat(length) + "\r\n", c.takeWrittenString(), "length " + length);
        }
    }

    @Test
    void malformedLengthLinesAreProtocolErrors() {
        for (String input : new String[] {"*\r\n", "*-\r\n", "*1x\r\n", "*1\r\n$\r\n", "*1\r\n$3\rx",
                "*12345678901234567890\r\n", "*1\r\n$1234567890123456789012"}) {
            EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new RespCodec(64, 8, 200))
                    .add(new KvHandler(new KvStore(() -> 0))));
            c.feed(input);
            assertTrue(c.takeWrittenString().startsWith("-ERR Protocol error"), input);
            assertTrue(c.isClosed(), input);
        }
    }

    @Test
    void malformedInputIsAnsweredWithAProtocolErrorAndClosed() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new RespCodec(64, 8, 200))
                .add(new KvHandler(new KvStore(() -> 0))));
        c.feed("*1\r\n+PING\r\n");
        assertTrue(c.takeWrittenString().startsWith("-ERR Protocol error"));
        assertTrue(c.isClosed());
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrderInOneWrite() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new RespCodec(64, 8, 200))
                .add(new KvHandler(new KvStore(() -> 0))));
        long before = c.writeCalls();
        c.feed("SET a 1\r\nINCR a\r\nGET a\r\nGET none\r\n");
        assertEquals("+OK\r\n:2\r\n$1\r\n2\r\n$-1\r\n", c.takeWrittenString());
        assertEquals(1, c.writeCalls() - before);
    }
}
