package io.switchboard.http2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A listener that writes down each callback as a line, copying the borrowed bytes. */
class Recorder implements Http2FrameReader.Listener {
    final List<String> events = new ArrayList<>();
    final List<Http2Exception> streamErrors = new ArrayList<>();
    final List<Http2Settings> settings = new ArrayList<>();

    /** The lines after the first SETTINGS (the preface's), which every reader sees first. */
    List<String> afterPreface() {
        return events.subList(1, events.size());
    }

    static String text(ByteBuffer b) {
        byte[] copy = new byte[b.remaining()];
        b.duplicate().get(copy);
        return new String(copy, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void onData(int streamId, ByteBuffer data, int padding, boolean endStream) {
        events.add("DATA " + streamId + " pad=" + padding + " end=" + endStream + " '" + text(data) + "'");
    }

    @Override
    public void onHeaders(int streamId, ByteBuffer fragment, boolean endStream, boolean endHeaders) {
        events.add("HEADERS " + streamId + " end=" + endStream + " eoh=" + endHeaders + " '" + text(fragment) + "'");
    }

    @Override
    public void onContinuation(int streamId, ByteBuffer fragment, boolean endHeaders) {
        events.add("CONTINUATION " + streamId + " eoh=" + endHeaders + " '" + text(fragment) + "'");
    }

    @Override
    public void onPriority(int streamId, int dependency, int weight, boolean exclusive) {
        events.add("PRIORITY " + streamId + " dep=" + dependency + " weight=" + weight + " exclusive=" + exclusive);
    }

    @Override
    public void onRstStream(int streamId, int errorCode) {
        events.add("RST_STREAM " + streamId + " code=" + Integer.toUnsignedString(errorCode));
    }

    @Override
    public void onSettings(Http2Settings s) {
        settings.add(s);
        events.add("SETTINGS " + s);
    }

    @Override
    public void onSettingsAck() {
        events.add("SETTINGS_ACK");
    }

    @Override
    public void onPing(long payload, boolean ack) {
        events.add("PING " + Long.toHexString(payload) + " ack=" + ack);
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
        events.add("GOAWAY last=" + lastStreamId + " code=" + Integer.toUnsignedString(errorCode) + " '" + text(debugData) + "'");
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
        events.add("WINDOW_UPDATE " + streamId + " +" + increment);
    }

    @Override
    public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer fragment, boolean endHeaders) {
        events.add("PUSH_PROMISE " + streamId + " promised=" + promisedStreamId + " eoh=" + endHeaders + " '" + text(fragment) + "'");
    }

    @Override
    public void onUnknown(int type, int flags, int streamId, int length) {
        events.add("UNKNOWN type=" + type + " flags=" + flags + " stream=" + streamId + " length=" + length);
    }

    @Override
    public void onStreamError(Http2Exception error) {
        streamErrors.add(error);
        events.add("STREAM_ERROR " + error.streamId() + " " + error.error());
    }
}
