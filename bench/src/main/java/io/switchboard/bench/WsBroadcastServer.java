package io.switchboard.bench;

import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.lifecycle.ConnectionGroup;
import io.switchboard.server.Server;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketFrame;
import io.switchboard.websocket.WebSocketHandler;
import io.switchboard.websocket.WebSocketUpgrade;
import java.nio.ByteBuffer;

/**
 * Switchboard's side of ws-broadcast-10k, a bench-only server (the examples have no plain broadcast: the chat
 * tells every member of every join, which for 10,000 members is 50 million messages before the first round):
 * {@value NettyWebSocketServer#BROADCAST_PATH} joins each WebSocket to one {@link ConnectionGroup} when it opens,
 * and every message that arrives is framed once ({@link WebSocketFrame}) and broadcast to every member, the sender
 * included; {@code GET /plaintext} answers "Hello, World!". The same routes as {@link NettyWebSocketServer}'s,
 * written the way the framework's docs show a broadcast. Thread-safe.
 */
final class WsBroadcastServer {
    private WsBroadcastServer() {
    }

    /** Starts the server on {@code host:port} (0 for any free port) with {@code workers} loops. */
    static Server start(String host, int port, int workers) {
        ConnectionGroup members = new ConnectionGroup();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                members.add(ws.connection());
            }

            @Override
            public void onText(WebSocket ws, String text) {
                members.broadcast(WebSocketFrame.text(text));
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                members.broadcast(WebSocketFrame.binary(data));
            }
        };
        HttpResponse plaintext = HttpResponse.of(200).header("Content-Type", "text/plain").body("Hello, World!");
        Routes routes = Routes.builder()
                .get("/plaintext", (req, res) -> res.send(plaintext))
                .get(NettyWebSocketServer.BROADCAST_PATH, WebSocketUpgrade.builder(request -> handler).build())
                .build();
        return Server.builder()
                .host(host)
                .port(port)
                .workers(workers)
                .backlog(4096)
                .pipeline(new HttpService(routes))
                .start();
    }
}
