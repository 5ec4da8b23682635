package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What one side's stage sends, the other side's stage reads back the same, whatever the messages, their fragments,
 * the compression parameters and the points where the bytes are cut: random messages written by a client stage are
 * fed to a server stage in random pieces, and the server's answers back to a client.
 */
class RoundTripPropertiesTest {

    /** A message: text or binary, sent in {@code fragments} parts. */
    record Message(boolean text, byte[] bytes, String string, int fragments) {
        static Message text(String s, int fragments) {
            return new Message(true, s.getBytes(StandardCharsets.UTF_8), s, fragments);
        }

        static Message binary(byte[] b, int fragments) {
            return new Message(false, b, null, fragments);
        }

        void send(WebSocket ws) {
            if (text) {
                int step = Math.max(1, string.length() / fragments);
                int at = 0;
                for (int i = 0; i < fragments - 1 && at < string.length(); i++) {
                    int end = Math.min(string.length(), at + step);
                    ws.sendText(string.substring(at, end), false);
                    at = end;
                }
                ws.sendText(string.substring(at), true);
            } else {
                int step = Math.max(1, bytes.length / fragments);
                int at = 0;
                for (int i = 0; i < fragments - 1 && at < bytes.length; i++) {
                    int end = Math.min(bytes.length, at + step);
                    ws.sendBinary(ByteBuffer.wrap(bytes, at, end - at), false);
                    at = end;
                }
                ws.sendBinary(ByteBuffer.wrap(bytes, at, bytes.length - at), true);
            }
        }

        String expected() {
            return text ? "text:" + string : "binary:" + bytes.length;
        }
    }

    @Provide
    Arbitrary<List<Message>> messages() {
        // Whole UTF-16 (no lone surrogates, which UTF-8 cannot carry: they are sent as '?', as String.getBytes does).
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(300).filter(s -> s.equals(new String(s.getBytes(StandardCharsets.UTF_8),
                        StandardCharsets.UTF_8))),
                Arbitraries.of("a", "b", " ", "€", "κ", "𝄞").list().ofMaxSize(1000).map(l -> String.join("", l)),
                Arbitraries.strings().withChars("xyz").ofMinLength(100).ofMaxLength(70_000));
        Arbitrary<byte[]> binary = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(500),
                Arbitraries.integers().between(0, 70_000).map(byte[]::new));
        Arbitrary<Integer> fragments = Arbitraries.integers().between(1, 4);
        Arbitrary<Message> message = Arbitraries.oneOf(
                Combinators.combine(text, fragments).as(Message::text),
                Combinators.combine(binary, fragments).as(Message::binary));
        return message.list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<PerMessageDeflate> deflate() {
        return Arbitraries.of(
                new PerMessageDeflate(false, false, 0, 0), new PerMessageDeflate(true, false, 0, 0),
                new PerMessageDeflate(false, true, 0, 0), new PerMessageDeflate(true, true, 0, 0))
                .injectNull(0.3);
    }

    @Property(tries = 200)
    void clientToServerAndBack(@ForAll("messages") List<Message> messages, @ForAll("deflate") PerMessageDeflate deflate,
                               @ForAll("cuts") List<Integer> cuts) {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withMaxMessageSize(1 << 20)
                .withDeflate(DeflateOptions.DEFAULTS.withThreshold(64));
        Recorder clientSide = new Recorder();
        Recorder serverSide = new Recorder();
        EmbeddedConnection client = new EmbeddedConnection(p -> p.add(WebSocketStage.client(clientSide, config, deflate)));
        EmbeddedConnection server = new EmbeddedConnection(p -> p.add(WebSocketStage.server(serverSide, config, deflate)));
        for (Message m : messages) {
            m.send(clientSide.ws);
        }
        client.runPending();
        feedInPieces(server, client.takeWritten(), cuts);
        assertEquals(escaped(expected(messages)), escaped(received(serverSide)), "the server read what the client sent");
        checkBinaries(messages, serverSide);

        for (Message m : messages) {
            m.send(serverSide.ws);
        }
        server.runPending();
        feedInPieces(client, server.takeWritten(), cuts);
        assertEquals(escaped(expected(messages)), escaped(received(clientSide)), "the client read what the server sent");
        checkBinaries(messages, clientSide);
        assertTrue(client.isOpen() && server.isOpen());
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 20_000).list().ofMinSize(1).ofMaxSize(8);
    }

    private static void feedInPieces(EmbeddedConnection c, byte[] bytes, List<Integer> cuts) {
        int at = 0;
        int i = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, cuts.get(i++ % cuts.size()));
            c.feed(java.util.Arrays.copyOfRange(bytes, at, at + n));
            at += n;
        }
    }

    /** The strings with every character outside printable ASCII as a Java escape, so that a failure prints whole. */
    private static List<String> escaped(List<String> strings) {
        List<String> out = new ArrayList<>();
        for (String s : strings) {
            StringBuilder b = new StringBuilder();
            s.chars().forEach(ch -> b.append(ch >= 0x20 && ch < 0x7F ? String.valueOf((char) ch) : String.format("\\u%04x", ch)));
            out.add(b.length() > 200 ? b.substring(0, 200) + "...(" + s.length() + " chars)" : b.toString());
        }
        return out;
    }

    /** The messages a side received (writability changes left out: large sends cross the watermark). */
    private static List<String> received(Recorder r) {
        return r.messages().stream().filter(e -> !e.startsWith("writable")).toList();
    }

    private static List<String> expected(List<Message> messages) {
        List<String> out = new ArrayList<>();
        for (Message m : messages) {
            out.add(m.expected());
        }
        return out;
    }

    private static void checkBinaries(List<Message> messages, Recorder r) {
        int b = 0;
        for (Message m : messages) {
            if (!m.text) {
                assertArrayEquals(m.bytes, r.binaries.get(b++));
            }
        }
    }
}
