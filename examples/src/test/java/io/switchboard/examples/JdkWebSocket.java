package io.switchboard.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/** A WebSocket client of the JDK (java.net.http) that records the text messages it receives. */
final class JdkWebSocket implements AutoCloseable {
    final List<String> messages = new CopyOnWriteArrayList<>();
    volatile int closeStatus = -1;
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    private JdkWebSocket(HttpClient client, URI uri) throws Exception {
        socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            messages.add(partial.toString());
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                        closeStatus = status;
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);
    }

    /** Connects to {@code uri} ({@code ws://}). */
    static JdkWebSocket connect(URI uri) throws Exception {
        return new JdkWebSocket(HttpClient.newHttpClient(), uri);
    }

    /** Connects to {@code uri} ({@code wss://}) trusting what {@code tls} trusts. */
    static JdkWebSocket connect(URI uri, SSLContext tls) throws Exception {
        return new JdkWebSocket(HttpClient.newBuilder().sslContext(tls).build(), uri);
    }

    /** Sends a text message and waits until it is handed to the socket. */
    void send(String text) throws Exception {
        socket.sendText(text, true).get(20, TimeUnit.SECONDS);
    }

    /** Sends a binary message and waits until it is handed to the socket. */
    void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).get(20, TimeUnit.SECONDS);
    }

    boolean received(String text) {
        return messages.stream().anyMatch(m -> m.contains(text));
    }

    @Override
    public void close() {
        socket.abort();
    }
}
