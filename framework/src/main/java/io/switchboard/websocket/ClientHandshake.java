package io.switchboard.websocket;

import io.switchboard.http.HttpHeaders;
import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of the WebSocket opening handshake (RFC 6455 section 4.1) as a pipeline stage: on
 * {@code connected} it writes the GET that asks for the upgrade, reads the server's answer with a
 * {@link ResponseHeadReader}, checks it, and replaces itself with a {@link WebSocketStage#client client stage},
 * handing it the bytes that came after the answer's head ({@code Pipeline.replace(existing, handler, unread)}). The
 * future completes with the {@link WebSocket} after the handler's {@code onOpen}.
 *
 * <p>A refusal (another status than 101), an answer that breaks a rule of section 4.1 (below), the server closing
 * first, an error from the stages before (a failed TLS handshake) or no answer within the handshake timeout fails the
 * future ({@link WebSocketHandshakeException}, or the error) and closes the connection. A 101 is accepted when it is
 * HTTP/1.1 and has exactly one {@code Upgrade: websocket}, {@code upgrade} in {@code Connection}, one
 * {@code Sec-WebSocket-Accept} equal to {@link WebSocketUpgrade#accept} of our key, no extension but the
 * permessage-deflate we offered ({@link PerMessageDeflate#fromResponse}), and no subprotocol or one we offered.
 * Interim answers (1xx but 101) are skipped, as HTTP asks of a client. Nothing may be written through the stage
 * before the handshake is done: a ping or pong a heartbeat asks for is dropped, anything else is refused with an
 * {@link IllegalStateException}.
 *
 * <p>Loop thread only; one per connection.
 */
final class ClientHandshake implements Handler {
    private static final Logger log = LoggerFactory.getLogger(ClientHandshake.class);

    /** Where the handshake stands. */
    private enum State {
        /** The request is sent or about to be; the answer is awaited. */
        AWAITING,
        /** The answer was accepted: the WebSocket stage has taken over. */
        DONE,
        /** The handshake failed: the connection is closing. */
        FAILED
    }

    private final WebSocketClient options;
    private final WebSocketHandler handler;
    private final CompletableFuture<WebSocket> result;
    private final byte[] request;
    private final String accept;
    private final ResponseHeadReader reader;

    private HandlerContext ctx;
    private State state = State.AWAITING;
    private Scheduled timer;

    /**
     * A handshake for one connection.
     *
     * @param options       the client's settings: subprotocols, headers, origin, compression, limits
     * @param hostHeader    the {@code Host} field's value
     * @param requestTarget the path and query
     * @param key           the {@code Sec-WebSocket-Key}: 16 random bytes in base64, fresh for each connection
     * @param handler       the application's callbacks once the WebSocket is open
     * @param result        completed with the WebSocket, or failed
     */
    ClientHandshake(WebSocketClient options, String hostHeader, String requestTarget, String key,
                    WebSocketHandler handler, CompletableFuture<WebSocket> result) {
        this.options = options;
        this.handler = handler;
        this.result = result;
        this.accept = WebSocketUpgrade.accept(key);
        this.request = request(options, hostHeader, requestTarget, key);
        this.reader = new ResponseHeadReader(options.maxResponseHead());
    }

    private static byte[] request(WebSocketClient options, String hostHeader, String requestTarget, String key) {
        StringBuilder b = new StringBuilder(256)
                .append("GET ").append(requestTarget).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (options.origin() != null) {
            b.append("Origin: ").append(options.origin()).append("\r\n");
        }
        if (!options.subprotocols().isEmpty()) {
            b.append("Sec-WebSocket-Protocol: ").append(String.join(", ", options.subprotocols())).append("\r\n");
        }
        if (options.config().deflate() != null) {
            b.append("Sec-WebSocket-Extensions: ").append(PerMessageDeflate.offer(options.config().deflate()))
                    .append("\r\n");
        }
        List<String> headers = options.headers();
        for (int i = 0; i < headers.size(); i += 2) {
            b.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
        // A future cancelled or failed by its caller ends the attempt; our own failures close the connection too.
        result.whenComplete((ws, error) -> {
            if (error != null) {
                ctx.connection().close();
            }
        });
    }

    @Override
    public void removed(HandlerContext ctx) {
        cancelTimer();
    }

    @Override
    public void connected(HandlerContext ctx) {
        if (state == State.AWAITING) {
            ctx.write(request);
            timer = ctx.loop().schedule(this::timedOut, options.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        ctx.fireConnected();
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuffer)) {
            ctx.fireRead(message);
            return;
        }
        ByteBuffer in = (ByteBuffer) message;
        if (state != State.AWAITING) {
            in.position(in.limit());
            return;
        }
        try {
            ResponseHeadReader.Head head;
            while ((head = reader.read(in)) != null) {
                if (head.status() / 100 == 1 && head.status() != 101) {
                    continue; // an interim answer (100, 102, 103): the real one follows
                }
                open(check(head), head, in);
                return;
            }
        } catch (WebSocketHandshakeException e) {
            in.position(in.limit());
            fail(e);
        }
    }

    /** The server's FIN before its answer. */
    @Override
    public void inputClosed(HandlerContext ctx) {
        if (state == State.AWAITING) {
            fail(new WebSocketHandshakeException("the server closed the connection before answering the WebSocket handshake",
                    0, "", null));
            return;
        }
        ctx.fireInputClosed();
    }

    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        if (state == State.AWAITING) {
            state = State.FAILED;
            cancelTimer();
            result.completeExceptionally(cause);
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void closed(HandlerContext ctx) {
        if (state == State.AWAITING) {
            state = State.FAILED;
            cancelTimer();
            result.completeExceptionally(new WebSocketHandshakeException(
                    "the connection closed before the WebSocket handshake completed", 0, "", null));
        }
        ctx.fireClosed();
    }

    @Override
    public void write(HandlerContext ctx, Object message) {
        if (message == WebSocketStage.PING || message == WebSocketStage.PONG) {
            log.debug("{}: {} before the WebSocket handshake completed; dropped", ctx.connection(), message);
            return;
        }
        throw new IllegalStateException("the WebSocket handshake is not done: nothing may be sent yet");
    }

    /**
     * Checks the final answer against RFC 6455 section 4.1.
     *
     * @return the compression agreed, or null for none
     */
    private PerMessageDeflate check(ResponseHeadReader.Head head) throws WebSocketHandshakeException {
        HttpHeaders h = head.headers();
        if (head.status() != 101) {
            throw refused(head, "the server refused the WebSocket handshake: " + head.status() + " " + head.reason());
        }
        if (head.minorVersion() != 1) {
            throw refused(head, "a 101 answer over HTTP/1." + head.minorVersion());
        }
        List<String> upgrade = h.getAll("Upgrade");
        if (upgrade.size() != 1 || !upgrade.get(0).equalsIgnoreCase("websocket")) {
            throw refused(head, "the 101 answer's Upgrade is not websocket: " + upgrade);
        }
        if (!h.containsToken("Connection", "upgrade")) {
            throw refused(head, "the 101 answer's Connection does not name upgrade: " + h.getAll("Connection"));
        }
        List<String> accepts = h.getAll("Sec-WebSocket-Accept");
        if (accepts.size() != 1 || !accepts.get(0).equals(accept)) {
            throw refused(head, "the 101 answer's Sec-WebSocket-Accept is " + accepts + ", not [" + accept + "]");
        }
        String extensions = String.join(", ", h.getAll("Sec-WebSocket-Extensions"));
        PerMessageDeflate deflate = null;
        if (!extensions.isBlank()) {
            if (options.config().deflate() == null) {
                throw refused(head, "the server agreed to an extension not offered: " + extensions);
            }
            try {
                Optional<PerMessageDeflate> agreed = PerMessageDeflate.fromResponse(extensions);
                deflate = agreed.orElse(null);
            } catch (IllegalArgumentException e) {
                throw refused(head, e.getMessage());
            }
        }
        List<String> protocols = h.getAll("Sec-WebSocket-Protocol");
        if (protocols.size() > 1 || protocols.size() == 1 && !options.subprotocols().contains(protocols.get(0))) {
            throw refused(head, "the server chose a subprotocol not offered: " + protocols);
        }
        return deflate;
    }

    /** The answer was accepted: the WebSocket stage takes this stage's place and the bytes after the head. */
    private void open(PerMessageDeflate deflate, ResponseHeadReader.Head head, ByteBuffer rest) {
        state = State.DONE;
        cancelTimer();
        List<String> protocols = head.headers().getAll("Sec-WebSocket-Protocol");
        WebSocketStage stage = WebSocketStage.client(handler, options.config(), deflate)
                .subprotocol(protocols.isEmpty() ? null : protocols.get(0));
        ctx.pipeline().replace(this, stage, rest);
        WebSocket ws = stage.webSocket();
        // The stage opens (onOpen) at the bytes handed to it or in a task it queued when added: this task follows it.
        try {
            ctx.loop().execute(() -> result.complete(ws));
        } catch (RejectedExecutionException e) {
            result.complete(ws);
        }
    }

    private void timedOut() {
        timer = null;
        fail(new WebSocketHandshakeException("no answer to the WebSocket handshake within " + options.handshakeTimeout(),
                0, "", null));
    }

    private void fail(WebSocketHandshakeException e) {
        if (state != State.AWAITING) {
            return;
        }
        state = State.FAILED;
        cancelTimer();
        log.debug("{}: WebSocket handshake failed: {}", ctx.connection(), e.getMessage());
        result.completeExceptionally(e);
        ctx.close();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private static WebSocketHandshakeException refused(ResponseHeadReader.Head head, String message) {
        return new WebSocketHandshakeException(message, head.status(), head.reason(), head.headers());
    }
}
