package io.switchboard.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A handler that writes down what it is told, as short strings, and keeps the last handle. */
class Recorder implements WebSocketHandler {
    final List<String> events = new ArrayList<>();
    final List<byte[]> binaries = new ArrayList<>();
    WebSocket ws;
    int closeStatus = -1;
    String closeReason;

    @Override
    public void onOpen(WebSocket ws) {
        this.ws = ws;
        events.add("open");
    }

    @Override
    public void onText(WebSocket ws, String text) {
        events.add("text:" + text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        binaries.add(copy);
        events.add("binary:" + copy.length);
    }

    @Override
    public void onPing(WebSocket ws, ByteBuffer payload) {
        events.add("ping:" + StandardCharsets.UTF_8.decode(payload));
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer payload) {
        events.add("pong:" + StandardCharsets.UTF_8.decode(payload));
    }

    @Override
    public void onClose(WebSocket ws, int status, String reason) {
        closeStatus = status;
        closeReason = reason;
        events.add("close:" + status);
    }

    @Override
    public void onWritabilityChanged(WebSocket ws, boolean writable) {
        events.add("writable:" + writable);
    }

    /** {@return the events after "open", as a list} */
    List<String> messages() {
        return events.subList(Math.min(1, events.size()), events.size());
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
