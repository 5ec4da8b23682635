package io.switchboard.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of Server-Sent Events, as the WHATWG HTML standard (section 9.2.6) defines it, for tests:
 * de-chunks an HTTP/1.1 body and turns its {@code text/event-stream} lines into the events a browser would
 * dispatch. Written from the standard's text, not from the server's encoder.
 */
final class EventStreamParser {
    /** One dispatched event: its type ("message" unless named), data and the last event id at dispatch. */
    record Event(String type, String data, String lastEventId) {
    }

    final List<Event> events = new ArrayList<>();
    int comments;
    long retry = -1;
    private String lastEventId = "";
    private final StringBuilder data = new StringBuilder();
    private String type = "";

    /** Parses a whole event-stream text (not chunked). */
    EventStreamParser feed(String stream) {
        int start = 0;
        for (int i = 0; i < stream.length(); i++) {
            char c = stream.charAt(i);
            if (c == '\r' || c == '\n') {
                line(stream.substring(start, i));
                if (c == '\r' && i + 1 < stream.length() && stream.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        return this;
    }

    /** The text of the complete chunks of a chunked body, from {@code pos} (the response head already passed). */
    static String dechunk(byte[] raw, int pos) {
        StringBuilder out = new StringBuilder();
        String ascii = new String(raw, StandardCharsets.ISO_8859_1);
        while (true) {
            int lineEnd = ascii.indexOf("\r\n", pos);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(ascii.substring(pos, lineEnd), 16);
            if (size == 0 || lineEnd + 2 + size + 2 > raw.length) {
                break;
            }
            out.append(new String(raw, lineEnd + 2, size, StandardCharsets.UTF_8));
            pos = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    private void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            comments++;
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                    retry = Long.parseLong(value);
                }
            }
            default -> {
                // ignored, as the standard says
            }
        }
    }

    private void dispatch() {
        if (data.length() == 0) {
            type = "";
            return;
        }
        String d = data.substring(0, data.length() - 1);
        events.add(new Event(type.isEmpty() ? "message" : type, d, lastEventId));
        data.setLength(0);
        type = "";
    }
}
