package io.switchboard.examples;

import io.switchboard.http.EventStream;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.lifecycle.Heartbeat;
import io.switchboard.lifecycle.IdleDetector;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import io.switchboard.proxy.ProxyProtocol;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsServerContext;
import io.switchboard.websocket.CloseStatus;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketConfig;
import io.switchboard.websocket.WebSocketException;
import io.switchboard.websocket.WebSocketHandler;
import io.switchboard.websocket.WebSocketStage;
import io.switchboard.websocket.WebSocketUpgrade;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The chat's web side, on its own port: {@code GET /} is the chat page (one HTML file with its script inline, from
 * this jar), which joins the {@link ChatRoom} over a WebSocket at {@code /ws}, or, opened as {@code /?transport=sse},
 * over Server-Sent Events at {@code /events} with its lines sent by {@code POST /say}.
 *
 * <ul>
 *   <li>{@code /ws}: each text message is said, line by line (at most {@link ChatServer#MAX_LINE} bytes: a larger
 *       message closes with 1009); a binary message closes with 1003. The server pings a WebSocket it has written
 *       nothing to for the ping interval and closes one silent for the idle timeout, as it does line clients
 *       (browsers answer pings by themselves).</li>
 *   <li>{@code /events}: an event stream of the room's lines, each with its number as the event id, and a comment
 *       when silent for the ping interval. Its first event, {@code member}, carries the stream's token; a
 *       reconnect with {@code Last-Event-ID} gets the lines it missed first (see {@link ChatRoom}).</li>
 *   <li>{@code POST /say?member=TOKEN}: the body's lines (UTF-8, at most {@link ChatServer#MAX_LINE} bytes in all,
 *       413 past it), said in the name of the stream with that token; without one (say, from {@code curl -d}), in
 *       the name of the request's address. Answered 204 once said.</li>
 * </ul>
 *
 * <p>Any origin may open {@code /ws} and {@code POST /say}: the chat has no accounts or cookies that another site
 * could borrow. A chat with logins would check {@code Origin} ({@link WebSocketUpgrade.Builder#allowedOrigins}).
 */
final class ChatWeb {
    private static final Heartbeat HEARTBEAT = new Heartbeat(WebSocketStage.PING, WebSocketStage.PONG);
    private static final HttpResponse PAGE = HttpResponse.of(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .header("Cache-Control", "no-cache")
            .header("X-Content-Type-Options", "nosniff")
            .body(page());

    private ChatWeb() {
    }

    /**
     * Starts the web side of {@code room}: HTTPS and WSS when {@code tls} is not null, behind a proxy that sends the
     * PROXY header when {@code proxy} is not null.
     */
    static Server start(ChatRoom room, String host, int port, int workers, Duration pingInterval, Duration idleTimeout,
                        TlsServerContext tls, MemoryBudget budget, ProxyProtocol proxy) {
        return Server.builder()
                .host(host)
                .port(port)
                .workers(workers)
                .tls(tls)
                .proxyProtocol(proxy)
                .memoryBudget(budget)
                .pipeline(new HttpService(HttpConfig.DEFAULTS.withMaxBody(ChatServer.MAX_LINE),
                        routes(room, pingInterval, idleTimeout)))
                .start();
    }

    static Routes routes(ChatRoom room, Duration pingInterval, Duration idleTimeout) {
        WebSocketUpgrade webSocket = WebSocketUpgrade
                .builder(request -> new WebSocketMember(room, pingInterval, idleTimeout))
                .config(WebSocketConfig.DEFAULTS.withMaxMessageSize(ChatServer.MAX_LINE))
                .build();
        return Routes.builder()
                .get("/", (request, responder) -> responder.send(PAGE))
                .get("/ws", webSocket)
                .get("/events", (request, responder) -> events(room, request, responder, pingInterval))
                .post("/say", (request, responder) -> room.post(request.queryParam("member"),
                        ChatMember.name(request.remoteAddress()), request.bodyText(), responder))
                .build();
    }

    private static void events(ChatRoom room, HttpRequest request, HttpResponder responder, Duration heartbeat) {
        EventStream events = EventStream.open(request, responder, heartbeat);
        ChatMember member = ChatMember.events(events, request.remoteAddress(), responder.loop());
        room.join(member);
        events.onClose(() -> room.leave(member)); // after the join: both are queued to the room from this loop
    }

    private static byte[] page() {
        try (InputStream in = ChatWeb.class.getResourceAsStream("chat.html")) {
            if (in == null) {
                throw new IllegalStateException("chat.html is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One WebSocket in the room. Its loop only. */
    private static final class WebSocketMember implements WebSocketHandler {
        private final ChatRoom room;
        private final Duration pingInterval;
        private final Duration idleTimeout;
        private ChatMember member;

        WebSocketMember(ChatRoom room, Duration pingInterval, Duration idleTimeout) {
            this.room = room;
            this.pingInterval = pingInterval;
            this.idleTimeout = idleTimeout;
        }

        @Override
        public void onOpen(WebSocket ws) {
            Pipeline pipeline = ws.connection().pipeline();
            WebSocketStage stage = pipeline.get(WebSocketStage.class);
            pipeline.addBefore(stage, new IdleDetector(idleTimeout, pingInterval, Duration.ZERO));
            pipeline.addAfter(stage, HEARTBEAT);
            member = ChatMember.webSocket(ws.connection());
            room.join(member);
        }

        @Override
        public void onText(WebSocket ws, String text) {
            for (String line : text.split("\r\n|\r|\n")) {
                if (!line.isEmpty() && !room.say(member, line)) {
                    ws.sendText("* the room is busy: your line was not sent");
                    return;
                }
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            throw new WebSocketException(CloseStatus.UNSUPPORTED_DATA, "the chat takes text messages");
        }

        @Override
        public void onClose(WebSocket ws, int status, String reason) {
            if (member != null) {
                room.leave(member);
            }
        }
    }
}
