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
import java.io.PrintStream;
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
