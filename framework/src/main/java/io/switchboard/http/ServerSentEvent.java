package io.switchboard.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Event, encoded once in the {@code text/event-stream} format of the WHATWG HTML standard
 * (section 9.2) so that it can be sent to many streams without encoding it again. Immutable and thread-safe.
 *
 * <p>Framing rules applied: the data is split at every line end (CR LF, CR or LF) into one {@code data:}
 * line each, so a browser's {@code event.data} is the text with its line ends turned into LF; an empty data
 * is sent as one empty {@code data:} line (the browser dispatches an event with empty data); text is UTF-8.
 * The event name and id cannot hold a line end, and the id no NUL (a browser ignores such an id); both are
 * refused rather than sent cut.
 *
 * <pre>{@code
 * ServerSentEvent e = ServerSentEvent.builder().event("message").id("42").data("line one\nline two").build();
 * // event: message
 * // id: 42
 * // data: line one
 * // data: line two
 * //
 * }</pre>
 */
public final class ServerSentEvent {
    private final byte[] bytes;

    private ServerSentEvent(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * An event with only data: the browser's {@code message} event.
     *
     * @param data the data, any text; its line ends become LF on the client
     * @return the event
     */
    public static ServerSentEvent data(String data) {
        return builder().data(data).build();
    }

    /**
     * A comment: ignored by the browser, it keeps proxies and the connection from timing out.
     *
     * @param text the comment; each line becomes one comment line
     * @return the encoded comment
     */
    public static ServerSentEvent comment(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 4);
        lines(text, line -> sb.append(':').append(line.isEmpty() ? "" : " ").append(line).append('\n'));
        return new ServerSentEvent(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@return a builder for an event with an id, a name, data and a reconnection time} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the encoded event, blank line included; do not change the array} */
    byte[] bytes() {
        return bytes;
    }

    /** {@return the encoded event as text} */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private interface LineSink {
        void line(String line);
    }

    /** Splits {@code text} at CR LF, CR and LF, as the event-stream parser does. */
    private static void lines(String text, LineSink sink) {
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                sink.line(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        sink.line(text.substring(start));
    }

    /** Collects the fields of a {@link ServerSentEvent}. Not thread-safe. */
    public static final class Builder {
        private String event;
        private String id;
        private String data;
        private long retry = -1;

        private Builder() {
        }

        /**
         * The event's name: the browser dispatches it to listeners of that name instead of {@code message}.
         *
         * @param name the name, one line
         * @return this builder
         * @throws IllegalArgumentException when the name holds a line end
         */
        public Builder event(String name) {
            this.event = oneLine(name, "event");
            return this;
        }

        /**
         * The event's id: the browser sends the last one it saw in {@code Last-Event-ID} when it reconnects
         * ({@link EventStream#lastEventId()}). An empty id clears it.
         *
         * @param id the id, one line without NUL
         * @return this builder
         * @throws IllegalArgumentException when the id holds a line end or NUL
         */
        public Builder id(String id) {
            if (id.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("an event id cannot hold NUL: the browser would ignore it");
            }
            this.id = oneLine(id, "id");
            return this;
        }

        /**
         * The event's data.
         *
         * @param data any text; each line becomes one {@code data:} line
         * @return this builder
         */
        public Builder data(String data) {
            this.data = java.util.Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * How long the browser waits before it reconnects after the stream ends.
         *
         * @param millis the time in milliseconds, zero or more
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder retry(long millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("retry must be zero or more milliseconds, got " + millis);
            }
            this.retry = millis;
            return this;
        }

        /**
         * Encodes the event.
         *
         * @return the event
         * @throws IllegalStateException when no field was set
         */
        public ServerSentEvent build() {
            if (event == null && id == null && data == null && retry < 0) {
                throw new IllegalStateException("an event needs data, a name, an id or a retry time");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 + (data == null ? 0 : data.length()));
            if (event != null) {
                field(out, "event", event);
            }
            if (id != null) {
                field(out, "id", id);
            }
            if (retry >= 0) {
                field(out, "retry", Long.toString(retry));
            }
            if (data != null) {
                lines(data, line -> field(out, "data", line));
            }
            out.write('\n');
            return new ServerSentEvent(out.toByteArray());
        }

        private static void field(ByteArrayOutputStream out, String name, String value) {
            out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
            out.write(':');
            if (!value.isEmpty()) {
                out.write(' ');
                out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            }
            out.write('\n');
        }

        private static String oneLine(String value, String field) {
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("an event " + field + " must be one line: " + value.strip());
            }
            return value;
        }
    }
}
