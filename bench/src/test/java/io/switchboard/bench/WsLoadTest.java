package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.examples.HttpExample;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketHandler;
import io.switchboard.websocket.WebSocketUpgrade;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The WebSocket load tools over loopback against both WebSocket servers of the suite: ws-load's echo (and a server
 * that changes a message), ws-broadcast-load's rounds, ws-idle-clients with and without permessage-deflate.
 */
@Timeout(60)
class WsLoadTest {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final Offload offload = Offload.create("ws-load-test");

    @AfterEach
    void tearDown() {
        offload.close();
    }

    private String text() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private EchoLoadResult wsLoad(int port, int connections) throws Exception {
        EchoLoadConfig config = new EchoLoadConfig("127.0.0.1", port, connections, 128, Duration.ofMillis(500),
                Duration.ZERO, 1);
        return new EchoLoad(config, URI.create("ws://127.0.0.1:" + port + NettyWebSocketServer.ECHO_PATH), out).run();
    }

    @Test
    void wsLoadCountsAndVerifiesTheHttpExamplesEchoes() throws Exception {
        try (Server server = HttpExample.start("127.0.0.1", 0, 1, HttpConfig.DEFAULTS, offload)) {
            EchoLoadResult result = wsLoad(server.localAddress().getPort(), 8);
            assertEquals(0, result.errors(), () -> "first error: " + result.firstError() + "\n" + text());
            assertTrue(result.messages() > 0, "no message was echoed: " + text());
            assertEquals(result.messages() * 128, result.bytes());
            assertTrue(text().contains(EchoLoad.MEASURE_START + "\n") && text().contains(EchoLoad.MEASURE_END + "\n"), text());
            assertTrue(text().contains("round trip µs: p50"), text());
        }
    }

    @Test
    void wsLoadCountsTheNettyServersEchoes() throws Exception {
        NettyTcpServer server = NettyWebSocketServer.start("127.0.0.1", 0, 1);
        try {
            EchoLoadResult result = wsLoad(server.localAddress().getPort(), 8);
            assertEquals(0, result.errors(), () -> "first error: " + result.firstError() + "\n" + text());
            assertTrue(result.messages() > 0, "no message was echoed: " + text());
        } finally {
            server.close();
        }
    }

    @Test
    void wsLoadCountsTheFloorsEchoes() throws Exception {
        try (FloorServer server = FloorServer.start("127.0.0.1", 0, "floor-ws-test", FloorWebSocket::new)) {
            EchoLoadResult result = wsLoad(server.localAddress().getPort(), 8);
            assertEquals(0, result.errors(), () -> "first error: " + result.firstError() + "\n" + text());
            assertTrue(result.messages() > 0, "no message was echoed: " + text());
            assertEquals(result.messages() * 128, result.bytes());
        }
    }

    @Test
    void theFloorEchoesFramesThatArriveInPiecesAndTogether() throws Exception {
        try (FloorServer server = FloorServer.start("127.0.0.1", 0, "floor-ws-test", FloorWebSocket::new);
             Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream to = socket.getOutputStream();
            DataInputStream from = new DataInputStream(socket.getInputStream());
            String key = "dGhlIHNhbXBsZSBub25jZQ==";
            to.write(("GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(from);
            assertTrue(head.startsWith("HTTP/1.1 101 ") && head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head);

            byte[] small = masked(0x81, "hello, floor".getBytes(StandardCharsets.UTF_8));
            byte[] large = masked(0x82, new byte[300]); // a 16-bit length
            byte[] ping = masked(0x89, "p".getBytes(StandardCharsets.UTF_8));
            byte[] all = new byte[small.length + large.length + ping.length];
            System.arraycopy(small, 0, all, 0, small.length);
            System.arraycopy(large, 0, all, small.length, large.length);
            System.arraycopy(ping, 0, all, small.length + large.length, ping.length);
            for (int i = 0; i < all.length; i += 7) { // in pieces that split headers, masks and payloads
                to.write(all, i, Math.min(7, all.length - i));
                to.flush();
            }
            byte[] echoed = from.readNBytes(2 + 12 + 4 + 300 + 2 + 1);
            assertEquals(0x81, echoed[0] & 0xFF);
            assertEquals(12, echoed[1]);
            assertEquals("hello, floor", new String(echoed, 2, 12, StandardCharsets.UTF_8));
            assertEquals(0x82, echoed[14] & 0xFF);
            assertEquals(126, echoed[15]);
            assertEquals(300, ((echoed[16] & 0xFF) << 8) | (echoed[17] & 0xFF));
            for (int i = 18; i < 318; i++) {
                assertEquals(0, echoed[i], "byte " + i + " of the binary echo");
            }
            assertEquals(0x8A, echoed[318] & 0xFF, "a ping is answered with a pong");
            assertEquals('p', echoed[320]);

            to.write(masked(0x88, new byte[] {0x03, (byte) 0xE8}));
            byte[] close = from.readNBytes(4);
            assertEquals(0x88, close[0] & 0xFF);
            assertEquals(1000, ((close[2] & 0xFF) << 8) | (close[3] & 0xFF));
            assertEquals(-1, from.read(), "the floor closes once its close is written");
        }
    }

    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A client frame: FIN and {@code opcode} in {@code b0}, a 7- or 16-bit length, the mask 1, 2, 3, 4. */
    private static byte[] masked(int b0, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(b0);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        }
        byte[] mask = {1, 2, 3, 4};
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    @Test
    void aChangedEchoIsAnError() throws Exception {
        WebSocketHandler changing = new WebSocketHandler() {
            private int seen;

            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(++seen == 3 ? text.substring(1) + "!" : text);
            }
        };
        Routes routes = Routes.builder()
                .get(NettyWebSocketServer.ECHO_PATH, WebSocketUpgrade.builder(request -> changing).build()).build();
        try (Server server = Server.builder().host("127.0.0.1").workers(1).pipeline(new HttpService(routes)).start()) {
            EchoLoadResult result = wsLoad(server.localAddress().getPort(), 1);
            assertEquals(1, result.errors(), text());
            assertEquals(1, result.exitCode());
            assertTrue(text().contains("differs"), text());
        }
    }

    @Test
    void everyBroadcastRoundReachesEveryConnectionOnBothServers() throws Exception {
        // 50 connections, 2 measured rounds: 100 receipts counted, each round timed to its last receipt.
        try (Server server = WsBroadcastServer.start("127.0.0.1", 0, 1)) {
            assertEquals(0, broadcast(server.localAddress().getPort()), text());
        }
        assertTrue(text().contains("result: messages=100 bytes=12800 "), text());
        assertTrue(text().contains("broadcast: 2 of 2 measured rounds reached all 50 connections"), text());
        output.reset();
        NettyTcpServer netty = NettyWebSocketServer.start("127.0.0.1", 0, 1);
        try {
            assertEquals(0, broadcast(netty.localAddress().getPort()), text());
        } finally {
            netty.close();
        }
        assertTrue(text().contains("result: messages=100 bytes=12800 "), text());
        assertTrue(text().contains("round trip µs: p50"), text());
    }

    private int broadcast(int port) throws Exception {
        return new WsBroadcastLoad("127.0.0.1", port, NettyWebSocketServer.BROADCAST_PATH, 50, 128, 0, 2, out).run();
    }

    @Test
    void idleClientsEchoOnceOnEachConnectionWithAndWithoutDeflate() throws Exception {
        NettyTcpServer netty = NettyWebSocketServer.start("127.0.0.1", 0, 1);
        try (Server server = HttpExample.start("127.0.0.1", 0, 1, HttpConfig.DEFAULTS, offload)) {
            for (int port : new int[] {server.localAddress().getPort(), netty.localAddress().getPort()}) {
                for (boolean deflate : new boolean[] {false, true}) {
                    output.reset();
                    int status = new WsIdleClients("127.0.0.1", port, NettyWebSocketServer.ECHO_PATH, 20, deflate, out)
                            .run(new ByteArrayInputStream(new byte[0]));
                    assertEquals(0, status, text());
                    assertTrue(text().contains(IdleClients.READY + " 20 ok 0 errors"), port + " deflate " + deflate + ": " + text());
                }
            }
        } finally {
            netty.close();
        }
    }
}
