package io.switchboard.websocket;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code Sec-WebSocket-Extensions} value (RFC 6455 section 9.1): a comma-separated list of extensions, each a
 * token with {@code ;}-separated parameters, each parameter a token with an optional value (a token or a quoted
 * string). An element that breaks the grammar is left out, so one bad offer does not spoil the others. Stateless.
 */
final class Extensions {
    /** One parameter; {@code value} is null when it had none. */
    record Param(String name, String value) {
    }

    /** One extension and its parameters, in order. */
    record Extension(String name, List<Param> params) {
    }

    private Extensions() {
    }

    /** {@return the well-formed extensions of {@code header}, in order} */
    static List<Extension> parse(String header) {
        List<Extension> out = new ArrayList<>();
        Cursor c = new Cursor(header);
        while (true) {
            c.skipSpaceAndCommas();
            if (c.atEnd()) {
                return out;
            }
            Extension e = c.extension();
            c.skipSpace();
            if (e != null && (c.atEnd() || c.peek() == ',')) {
                out.add(e);
            } else {
                c.skipElement();
            }
        }
    }

    /** A position in the header. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        void skipSpace() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
                i++;
            }
        }

        void skipSpaceAndCommas() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == ',')) {
                i++;
            }
        }

        /** Moves past the rest of a malformed element, to its comma (quoted commas do not count). */
        void skipElement() {
            boolean quoted = false;
            while (!atEnd()) {
                char ch = peek();
                if (quoted && ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    quoted = !quoted;
                } else if (ch == ',' && !quoted) {
                    return;
                }
                i++;
            }
        }

        /** {@return the extension starting here, or null when it breaks the grammar} */
        Extension extension() {
            String name = token();
            if (name.isEmpty()) {
                return null;
            }
            List<Param> params = new ArrayList<>();
            skipSpace();
            while (!atEnd() && peek() == ';') {
                i++;
                skipSpace();
                String param = token();
                if (param.isEmpty()) {
                    return null;
                }
                skipSpace();
                String value = null;
                if (!atEnd() && peek() == '=') {
                    i++;
                    skipSpace();
                    value = !atEnd() && peek() == '"' ? quoted() : token();
                    if (value == null || value.isEmpty()) {
                        return null;
                    }
                    skipSpace();
                }
                params.add(new Param(param, value));
            }
            return new Extension(name, params);
        }

        private String token() {
            int start = i;
            while (!atEnd() && isTokenChar(peek())) {
                i++;
            }
            return s.substring(start, i);
        }

        /** {@return the content of the quoted string starting here, or null when it does not end} */
        private String quoted() {
            StringBuilder b = new StringBuilder();
            i++;
            while (!atEnd()) {
                char ch = s.charAt(i++);
                if (ch == '"') {
                    return b.toString();
                }
                if (ch == '\\') {
                    if (atEnd()) {
                        return null;
                    }
                    ch = s.charAt(i++);
                }
                b.append(ch);
            }
            return null;
        }

        private static boolean isTokenChar(char c) {
            return c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }
    }
}
