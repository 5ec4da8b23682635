package io.switchboard.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads raw HTTP/1.1 responses back in tests: status, fields (lowercased names) and the decoded body. */
final class Responses {
    private Responses() {
    }

    record Response(int status, Map<String, List<String>> headers, byte[] body, Map<String, String> trailers) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Every complete response in {@code raw}; {@code headRequests} marks which responses answer HEAD (no body). */
    static List<Response> parse(byte[] raw, boolean... headRequests) {
        List<Response> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < raw.length) {
            boolean head = out.size() < headRequests.length && headRequests[out.size()];
            out.add(one(raw, pos, head));
        }
        return out;
    }

    static List<Response> parse(String raw) {
        return parse(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Response one(byte[] raw, int[] pos, boolean head) {
        String statusLine = line(raw, pos);
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new AssertionError("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, List<String>> headers = fields(raw, pos);
        Map<String, String> trailers = new LinkedHashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String te = first(headers, "transfer-encoding");
        String cl = first(headers, "content-length");
        if (head || status < 200 || status == 204 || status == 304) {
            return new Response(status, headers, new byte[0], trailers);
        }
        if ("chunked".equals(te)) {
            while (true) {
                int size = Integer.parseInt(line(raw, pos).split(";")[0], 16);
                if (size == 0) {
                    fields(raw, pos).forEach((k, v) -> trailers.put(k, v.get(0)));
                    break;
                }
                body.write(raw, pos[0], size);
                pos[0] += size;
                if (!line(raw, pos).isEmpty()) {
                    throw new AssertionError("chunk not followed by CRLF");
                }
            }
        } else if (cl != null) {
            int n = Integer.parseInt(cl);
            if (pos[0] + n > raw.length) {
                throw new AssertionError("body shorter than Content-Length " + n);
            }
            body.write(raw, pos[0], n);
            pos[0] += n;
        } else {
            body.write(raw, pos[0], raw.length - pos[0]);
            pos[0] = raw.length;
        }
        return new Response(status, headers, body.toByteArray(), trailers);
    }

    private static Map<String, List<String>> fields(byte[] raw, int[] pos) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while (!(line = line(raw, pos)).isEmpty()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        return headers;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null ? null : v.get(0);
    }

    private static String line(byte[] raw, int[] pos) {
        for (int i = pos[0]; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                String line = new String(raw, pos[0], i - pos[0], StandardCharsets.ISO_8859_1);
                pos[0] = i + 2;
                return line;
            }
        }
        throw new AssertionError("incomplete line in response at " + pos[0]);
    }
}
