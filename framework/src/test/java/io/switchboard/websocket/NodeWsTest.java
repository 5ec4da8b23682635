package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.server.Client;
import io.switchboard.server.Server;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a WebSocket implementation nobody here wrote, the {@code ws} package of Node.js (Debian {@code node-ws}):
 * its client against our server, and our client against its server, over loopback: text, binary, pings both ways,
 * close codes both ways, with and without permessage-deflate.
 */
class NodeWsTest {
    private static final WebSocketConfig CONFIG = WebSocketConfig.DEFAULTS.withMaxMessageSize(1 << 20)
            .withDeflate(DeflateOptions.DEFAULTS);

    /** What our server saw: "inflated" / "deflated" once its stage used compression, and "close:<status>:<reason>". */
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void requireNodeWs() {
        NodeWs.require();
    }

    /** Our server's side: says welcome, echoes, closes with 4000 when asked to, and notes what it used. */
    private final WebSocketHandler echo = new WebSocketHandler() {
        @Override
        public void onOpen(WebSocket ws) {
            ws.sendText("welcome");
        }

        @Override
        public void onText(WebSocket ws, String text) {
            WebSocketStage stage = ws.connection().pipeline().get(WebSocketStage.class);
            if (stage.inflaterHeld()) {
                seen.add("inflated");
            }
            if (text.equals("close me")) {
                ws.close(4000, "as asked");
                return;
            }
            ws.sendText(text);
            if (stage.deflaterHeld()) {
                seen.add("deflated");
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }

        @Override
        public void onClose(WebSocket ws, int status, String reason) {
            seen.add("close:" + status + ":" + reason);
        }
    };

    private Server server() {
        return Server.builder().host("127.0.0.1").port(0).workers(1).pipeline(new HttpService(Routes.builder()
                .get("/echo", WebSocketUpgrade.builder(request -> echo).subprotocols("v2.echo").config(CONFIG).build())
                .build())).start();
    }

    @Test
    void nodesClientAgainstOurServerWithDeflateTheServerClosing() throws Exception {
        try (Server server = server();
             NodeWs node = NodeWs.start("node-client.js", "ws://127.0.0.1:" + server.localAddress().getPort() + "/echo",
                     "deflate", "server-closes")) {
            assertEquals(List.of(
                    "open protocol=v2.echo extensions=permessage-deflate",
                    "welcome welcome",
                    "echo hello",
                    "big echoed true",
                    "binary echoed true",
                    "pong node ping",
                    "close 4000 as asked"), node.rest());
            assertEquals(0, node.exitValue());
            assertTrue(seen.contains("inflated"), "node compressed its large text and our server inflated it: " + seen);
            assertTrue(seen.contains("deflated"), "our server compressed its echo: " + seen);
            assertEquals("close:4000:as asked", seen.get(seen.size() - 1), "node echoed our close, reason and all");
        }
    }

    @Test
    void nodesClientAgainstOurServerWithoutDeflateNodeClosing() throws Exception {
        try (Server server = server();
             NodeWs node = NodeWs.start("node-client.js", "ws://127.0.0.1:" + server.localAddress().getPort() + "/echo",
                     "plain", "client-closes")) {
            assertEquals(List.of(
                    "open protocol=v2.echo extensions=",
                    "welcome welcome",
                    "echo hello",
                    "big echoed true",
                    "binary echoed true",
                    "pong node ping",
                    "close 4001 "), node.rest(), "our server echoes the status, without the reason");
            assertEquals(0, node.exitValue());
            assertTrue(!seen.contains("inflated") && !seen.contains("deflated"), "no compression: " + seen);
            assertEquals("close:4001:bye from node", seen.get(seen.size() - 1));
        }
    }

    @Test
    void ourClientAgainstNodesServer() throws Exception {
        try (Client client = Client.builder().build();
             NodeWs node = NodeWs.start("node-server.js")) {
            String port = node.line();
            assertTrue(port.startsWith("port "), port);
            URI uri = URI.create("ws://127.0.0.1:" + port.substring(5) + "/");
            for (boolean deflate : new boolean[] {true, false}) {
                WebSocketClient websockets = WebSocketClient.builder(client).subprotocols("v1.echo", "v2.echo")
                        .config(deflate ? CONFIG : CONFIG.withDeflate(null)).build();
                Collector c = new Collector();
                WebSocket ws = websockets.connect(uri, c).get(10, TimeUnit.SECONDS);
                assertEquals(deflate ? "connection offered=permessage-deflate" : "connection offered=none", node.line());
                c.expect("open");
                assertEquals("v2.echo", ws.subprotocol());
                c.expect("text:hello v2.echo " + (deflate ? "permessage-deflate" : "none"));

                String big = "κόσμε 𝄞 ".repeat(4000);
                byte[] binary = new byte[100_000];
                for (int i = 0; i < binary.length; i++) {
                    binary[i] = (byte) (i * 31 + (i >> 8));
                }
                ws.sendText(big);
                ws.sendBinary(binary);
                ws.sendPing("are you there".getBytes());
                c.expect("text:" + big);
                c.expect("binary:" + Collector.describe(binary));
                c.expect("pong:are you there");
                assertEquals(deflate, onLoop(ws, WebSocketStage::deflaterHeld), "our client compressed: " + deflate);
                assertEquals(deflate, onLoop(ws, WebSocketStage::inflaterHeld), "and inflated node's echoes");

                ws.sendText("ping me"); // node pings; our stage answers by itself; node says it got the pong
                c.expect("text:got pong node ping");
                if (deflate) {
                    ws.sendText("close me");
                    c.expect("close:4002:node says bye");
                    assertEquals("closed 4002 ", node.line(), "node got our echo of its close status (without the reason)");
                } else {
                    ws.close(1000, "done here");
                    c.expect("close:1000:done here"); // node echoes the reason too
                    assertEquals("closed 1000 done here", node.line());
                }
            }
        }
    }

    /** {@return what {@code question} says of the WebSocket's stage, asked on its loop} */
    private static boolean onLoop(WebSocket ws, Predicate<WebSocketStage> question) throws Exception {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        ws.connection().loop().execute(() -> {
            WebSocketStage stage = ws.connection().pipeline().get(WebSocketStage.class);
            answer.complete(stage != null && question.test(stage));
        });
        return answer.get(10, TimeUnit.SECONDS);
    }
}
