package io.switchboard.bench;

import io.switchboard.server.Client;
import io.switchboard.websocket.DeflateOptions;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketConfig;
import io.switchboard.websocket.WebSocketHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds many idle WebSockets open ({@code ws-idle-clients}), as {@link IdleClients} does HTTP connections: opens them
 * (at most 1,000 handshakes at once), offering permessage-deflate when asked, sends one text message of
 * {@link #MESSAGE_SIZE} characters on each and waits for its echo (so that a connection with compression agreed has
 * compressed and inflated once, as one that was used and then went quiet), and once every echo has arrived prints
 * {@link IdleClients#READY}{@code N ok E errors}. Then it keeps them open until its standard input ends, and closes
 * them. Not thread-safe: one run per instance.
 */
final class WsIdleClients {
    /** The message each connection sends once: 1 KiB of text, above the default compression threshold (128). */
    static final int MESSAGE_SIZE = 1024;

    private final String host;
    private final int port;
    private final String path;
    private final int connections;
    private final boolean deflate;
    private final PrintStream out;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    WsIdleClients(String host, int port, String path, int connections, boolean deflate, PrintStream out) {
        this.host = host;
        this.port = port;
        this.path = path;
        this.connections = connections;
        this.deflate = deflate;
        this.out = out;
    }

    /** Opens, echoes once, reports, waits for {@code stdin} to end; returns 0 when every connection was answered. */
    int run(InputStream stdin) throws InterruptedException, IOException {
        String message = text(MESSAGE_SIZE);
        CompletableFuture<Void> answered = new CompletableFuture<>();
        AtomicLong outstanding = new AtomicLong(connections);
        Runnable done = () -> {
            if (outstanding.decrementAndGet() == 0) {
                answered.complete(null);
            }
        };
        Semaphore connecting = new Semaphore(1000);
        URI uri = URI.create("ws://" + host + ":" + port + path);
        try (Client client = Client.builder().workers(1).connectTimeout(Duration.ofSeconds(30)).build()) {
            WebSocketClient websockets = WebSocketClient.builder(client)
                    .config(deflate ? WebSocketConfig.DEFAULTS.withDeflate(DeflateOptions.DEFAULTS) : WebSocketConfig.DEFAULTS)
                    .handshakeTimeout(Duration.ofSeconds(60))
                    .build();
            for (int i = 0; i < connections; i++) {
                connecting.acquire();
                websockets.connect(uri, new OneEcho(message, done)).whenComplete((ws, e) -> {
                    connecting.release();
                    if (e != null) {
                        errors.incrementAndGet();
                        done.run();
                    }
                });
            }
            try {
                answered.get(120, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                out.println("ws-idle-clients: not every connection was answered within 120 s");
            }
            out.println(IdleClients.READY + " " + ok.get() + " ok " + errors.get() + " errors");
            out.flush();
            while (stdin.read() >= 0) {
                // wait for the runner to close our input
            }
        }
        return errors.get() == 0 && ok.get() == connections ? 0 : 1;
    }

    /** Text of random letters, digits and spaces: compressible about as much as words are. */
    private static String text(int length) {
        String alphabet = "etaoinshrdlucmfwypvbgkqjxz      ETAOINSHRDLU0123456789";
        SplittableRandom random = new SplittableRandom(42);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** Sends one message when open and counts its echo. One per connection. */
    private final class OneEcho implements WebSocketHandler {
        private final String message;
        private final Runnable done;
        private boolean answered;

        OneEcho(String message, Runnable done) {
            this.message = message;
            this.done = done;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.sendText(message);
        }

        @Override
        public void onText(WebSocket ws, String text) {
            answer(text.equals(message));
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            answer(false);
        }

        @Override
        public void onClose(WebSocket ws, int status, String reason) {
            answer(false);
        }

        private void answer(boolean good) {
            if (answered) {
                return;
            }
            answered = true;
            (good ? ok : errors).incrementAndGet();
            done.run();
        }
    }
}
