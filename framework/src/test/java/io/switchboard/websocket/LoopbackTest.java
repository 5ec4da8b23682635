package io.switchboard.websocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.server.Client;
import io.switchboard.server.Server;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server stage and a client stage over loopback sockets (no handshake: both pipelines start with the stage), so
 * that reads come from the loop's direct buffer and sends from the test's thread: an echo of text and binary,
 * compressed and not, then the closing handshake.
 */
class LoopbackTest {

    @Test
    void echoesOverLoopbackAndClosesCleanly() throws Exception {
        PerMessageDeflate deflate = new PerMessageDeflate(false, false, 0, 0);
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withMaxMessageSize(1 << 20).withDeflate(DeflateOptions.DEFAULTS);
        WebSocketHandler echo = new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                ws.sendBinary(data);
            }
        };
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocketHandler client = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                opened.complete(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                received.add(text);
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                received.add(copy);
            }

            @Override
            public void onClose(WebSocket ws, int status, String reason) {
                closed.complete(status);
            }
        };
        try (Server server = Server.builder().host("127.0.0.1").port(0).workers(1)
                .pipeline(p -> p.add(WebSocketStage.server(echo, config, deflate))).start()) {
            Client c = Client.builder().workers(1).pipeline(p -> p.add(WebSocketStage.client(client, config, deflate))).build();
            try {
                c.connect(server.localAddress()).get(10, TimeUnit.SECONDS);
                WebSocket ws = opened.get(10, TimeUnit.SECONDS);
                Random random = new Random(1);
                byte[] noise = new byte[300_000];
                random.nextBytes(noise);
                byte[] zeros = new byte[500_000];
                List<Object> sent = List.of("hello", "κόσμε 𝄞 ".repeat(1000), noise, zeros, "");
                for (Object m : sent) {
                    if (m instanceof String) {
                        ws.sendText((String) m); // from the test's thread: queued to the client's loop
                    } else {
                        ws.sendBinary((byte[]) m);
                    }
                }
                for (Object m : sent) {
                    Object back = received.poll(10, TimeUnit.SECONDS);
                    if (m instanceof String) {
                        assertEquals(m, back);
                    } else {
                        assertArrayEquals((byte[]) m, (byte[]) back);
                    }
                }
                ws.close(1000, "bye");
                assertEquals(1000, closed.get(10, TimeUnit.SECONDS), "the server echoed the close");
                await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
            } finally {
                c.close();
            }
        }
    }
}
