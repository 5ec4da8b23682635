package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The http example's /ws/echo driven by a real WebSocket client, the "ws" package of node (Debian's node-ws), with
 * and without permessage-deflate: src/test/resources/node/ws-echo.js prints what came back and this test checks it.
 */
class WebSocketEchoIT {
    private static final int MIB = 1024 * 1024;

    /**
     * Text comes back as the same text (characters of 2, 3 and 4 UTF-8 bytes), binary as the same bytes, a 16 MiB
     * message (the route's limit) whole, and a message one byte over the limit closes with 1009. Offered, deflate is
     * agreed, and a compressible 1 MiB text comes back in under a tenth of its size on the wire (about 3 KB here).
     */
    @Test
    void nodeWsEchoesTextBinaryAndSixteenMebibytesWithAndWithoutDeflate() throws Exception {
        Tools.requireNodeModule("ws", "node-ws");
        try (ExampleProcess http = ExampleProcess.start("http", "--port", "0")) {
            int port = http.awaitListening();
            Tools.Result run = Tools.run(120, Tools.node("ws-echo.js", "ws://127.0.0.1:" + port + "/ws/echo"));
            assertEquals(0, run.exit(), run.stdout() + run.stderr());
            // Tools.run reads output as ISO-8859-1, byte for byte: back to the UTF-8 node wrote
            List<String> out = new String(run.stdout().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
                    .lines().toList();
            String hex256 = HexFormat.of().formatHex(pattern(256));
            String big = "true " + 16 * MIB + " " + sha256(pattern(16 * MIB));
            String text = "a chat line that repeats itself, as chat lines do. ".repeat(20000);
            for (String session : List.of("plain", "deflate")) {
                assertEquals("false héllo ✓ wörld, 𝄞", fact(out, session, "text"), "text echoed as text");
                assertEquals("true " + hex256, fact(out, session, "binary"), "binary echoed as binary");
                assertEquals(big, fact(out, session, "big"), "16 MiB echoed whole");
                assertEquals("close 1009", fact(out, session, "too-big"), "one byte over the limit");
                String[] compressible = fact(out, session, "compressible").split(" ");
                assertEquals("false " + text.length() + " " + sha256(text.getBytes(StandardCharsets.UTF_8)),
                        compressible[0] + " " + compressible[1] + " " + compressible[2]);
                long onTheWire = Long.parseLong(compressible[3]);
                if (session.equals("deflate")) {
                    assertTrue(onTheWire < text.length() / 10, "compressed by the server: " + onTheWire + " bytes");
                } else {
                    assertTrue(onTheWire > text.length(), "not compressed: " + onTheWire + " bytes");
                }
            }
            assertEquals("none", fact(out, "plain", "extensions"));
            assertTrue(fact(out, "deflate", "extensions").startsWith("permessage-deflate"), fact(out, "deflate", "extensions"));
        }
    }

    private static String fact(List<String> out, String session, String name) {
        String prefix = session + " " + name + " ";
        return out.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' in " + out));
    }

    /** The bytes ws-echo.js sends: byte i is (31 i + 7) mod 256. */
    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
