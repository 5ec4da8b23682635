package io.switchboard.http;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Content types by file name extension: a built-in table of what web servers commonly serve (text types in UTF-8),
 * with overrides and additions on top. A name without a known extension is {@code application/octet-stream}, as
 * nginx's {@code default_type}. Immutable.
 */
final class ContentTypes {
    /** The type of a file whose extension is not in the table. */
    static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tar", "application/x-tar"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"));

    private final Map<String, String> byExtension;

    private ContentTypes(Map<String, String> byExtension) {
        this.byExtension = byExtension;
    }

    /**
     * The built-in table with {@code overrides} on top.
     *
     * @param overrides extensions (without the dot, any case) to their content types
     * @return the table
     */
    static ContentTypes with(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(BUILT_IN);
        overrides.forEach((ext, type) -> all.put(ext.toLowerCase(Locale.ROOT), type));
        return new ContentTypes(Map.copyOf(all));
    }

    /** {@return the content type of the file called {@code name}, by its extension (any case)} */
    String of(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return DEFAULT;
        }
        String type = byExtension.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type != null ? type : DEFAULT;
    }
}
