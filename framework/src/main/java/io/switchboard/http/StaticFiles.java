package io.switchboard.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Serves the files under a directory, mounted at a URL prefix: {@code GET /static/css/site.css} answers with
 * {@code ROOT/css/site.css}. It strips its own prefix from the request path, so it works under an exact route, a
 * wildcard route ({@code /static/*}) or as the whole server's handler.
 *
 * <pre>{@code
 * StaticFiles files = StaticFiles.builder(Path.of("public"), "/static").cacheControl("max-age=3600").build();
 * Server.builder().port(8080).pipeline(new HttpService(files)).start();
 * }</pre>
 *
 * <p><b>What it answers</b>, as nginx and Jetty do where the RFCs leave a choice:
 * <ul>
 *   <li>{@code GET} and {@code HEAD} only (405 with {@code Allow: GET, HEAD} otherwise); {@code HEAD} gets the
 *       fields and {@code Content-Length} of the {@code GET} answer and no body (the file is never opened).</li>
 *   <li>{@code Content-Type} by extension from a built-in table ({@code text/*} types in UTF-8;
 *       {@code application/octet-stream} when unknown), which {@link Builder#contentType} overrides;
 *       {@code Last-Modified}; a strong {@code ETag} made of the modification time and length (nginx's kind: only a
 *       strong tag lets {@code If-Range} resume a download); {@code Accept-Ranges: bytes}; and
 *       {@code Cache-Control} when {@link Builder#cacheControl} sets one.</li>
 *   <li>Conditional requests in RFC 9110's order: {@code If-Match} / {@code If-Unmodified-Since} (412), then
 *       {@code If-None-Match} / {@code If-Modified-Since} (304, with the validators and {@code Vary}).</li>
 *   <li>{@code Range} on {@code GET}: one range gets 206 with {@code Content-Range}; several get 206
 *       {@code multipart/byteranges}; none satisfiable gets 416 with {@code Content-Range: bytes *}{@code /length};
 *       an {@code If-Range} that does not name the current file (strong tag, or the exact date) gets the whole
 *       file. A field with more than {@link Builder#maxRanges} ranges (default 200, Apache's after CVE-2011-3192)
 *       is ignored, and overlapping or nearly adjacent ranges are coalesced, so a client cannot make one request
 *       into more bytes than the file and its parts' heads.</li>
 *   <li>A directory asked for without its trailing slash is redirected (301) to it with the slash, query kept;
 *       with the slash, its index file ({@code index.html} unless {@link Builder#indexFile} says otherwise) is
 *       served; there are no listings (404).</li>
 *   <li>When the client accepts gzip ({@code Accept-Encoding}, quality values honoured) and a regular file
 *       {@code NAME.gz} lies beside the file, that is sent instead, with {@code Content-Encoding: gzip} and the
 *       original's {@code Content-Type} (nginx's {@code gzip_static}); every answer for a file that has such a
 *       sibling carries {@code Vary: Accept-Encoding}. {@link Builder#precompressed} turns this off.</li>
 * </ul>
 *
 * <p><b>No way out of the root.</b> A path with {@code .} or {@code ..} segments (plain or percent-encoded), an
 * encoded slash or backslash ({@code %2f}, {@code %5c}), a backslash, NUL or another control character, an empty
 * segment or bad encoding is refused with 400: no client that follows RFC 3986 sends them for a real file. The
 * names are then looked up one by one from the root's real path ({@code lstat}); a symbolic link on the way is
 * resolved to its real path (every link in it followed) and served only if that lies inside the root's: a link that
 * points outside answers 404, as does a name starting with a dot ({@code .git}, {@code .env}) unless
 * {@link Builder#hiddenFiles} allows them, and anything that is not a regular file or directory (a FIFO is never
 * opened). A file that cannot be read answers 403.
 *
 * <p><b>Sending.</b> The file is opened when its answer's turn comes (pipelined answers waiting hold none) and
 * checked to be the one the answer was decided for (503 if it changed in between); on a plain connection its bytes
 * go to the socket with {@code sendfile} ({@link HttpResponder#sendFile}), zero copy, and where TLS must see them
 * they are read in chunks while the client keeps up. The file is closed once sent, and on every other path: the
 * client resets, the connection closes mid-send, the send fails. Nothing is read whole into memory, and a
 * connection holds at most two files open (the one leaving, and the next once the first is below the connection's
 * low watermark).
 *
 * <p>The handler looks files up on the thread that calls it (the loop, unless it is wrapped in
 * {@link HttpHandler#offload}): a few {@code stat} calls on a local disk, as nginx does on its event loop. Immutable
 * and thread-safe.
 */
public final class StaticFiles implements HttpHandler {
    private final Path root;
    private final String prefix;
    private final String indexFile;
    private final ContentTypes types;
    private final boolean precompressed;
    private final boolean hiddenFiles;
    private final int maxRanges;
    private final String cacheControl;

    private StaticFiles(Builder b, Path root) {
        this.root = root;
        this.prefix = b.prefix;
        this.indexFile = b.indexFile;
        this.types = ContentTypes.with(b.contentTypes);
        this.precompressed = b.precompressed;
        this.hiddenFiles = b.hiddenFiles;
        this.maxRanges = b.maxRanges;
        this.cacheControl = b.cacheControl;
    }

    /**
     * Serves {@code root} at {@code prefix} with the defaults.
     *
     * @param root   the directory served
     * @param prefix the URL path it is mounted at ({@code /static}; {@code ""} or {@code /} for the whole server)
     * @return the handler
     * @throws UncheckedIOException     when {@code root} cannot be resolved
     * @throws IllegalArgumentException when {@code root} is not a directory or {@code prefix} is not a path
     */
    public static StaticFiles of(Path root, String prefix) {
        return builder(root, prefix).build();
    }

    /**
     * A builder for a handler that serves {@code root} at {@code prefix}.
     *
     * @param root   the directory served
     * @param prefix the URL path it is mounted at ({@code /static}; {@code ""} or {@code /} for the whole server);
     *               a trailing slash is ignored
     * @return the builder
     * @throws IllegalArgumentException when {@code prefix} does not start with {@code /} (and is not empty)
     */
    public static Builder builder(Path root, String prefix) {
        return new Builder(root, prefix);
    }

    /** {@return the real path of the directory served} */
    public Path root() {
        return root;
    }

    /** {@return the URL prefix it is mounted at, without a trailing slash; empty for the whole server} */
    public String prefix() {
        return prefix;
    }

    @Override
    public void handle(HttpRequest request, HttpResponder responder) {
        boolean head = request.method().equals("HEAD");
        if (!head && !request.method().equals("GET")) {
            throw new HttpException(405, request.method() + " is not allowed on static files",
                    new HttpHeaders().add("Allow", "GET, HEAD"));
        }
        String path = request.path();
        if (!path.startsWith(prefix) || path.length() > prefix.length() && path.charAt(prefix.length()) != '/') {
            throw new HttpException(404, "no such file");
        }
        String rest = path.substring(prefix.length());
        if (rest.isEmpty()) {
            responder.send(redirect(request, path + "/"));
            return;
        }
        List<String> names = StaticPath.segments(rest);
        Path real = root;
        BasicFileAttributes attrs = null;
        for (String name : names) {
            if (!hiddenFiles && name.startsWith(".")) {
                throw new HttpException(404, "no such file");
            }
            if (attrs != null && !attrs.isDirectory()) {
                throw new HttpException(404, "no such file"); // a path under a file
            }
            Found found = step(real, name);
            real = found.path();
            attrs = found.attrs();
        }
        String name = names.isEmpty() ? "" : names.get(names.size() - 1);
        if (attrs == null || attrs.isDirectory()) {
            if (!rest.endsWith("/")) {
                responder.send(redirect(request, path + "/"));
                return;
            }
            if (indexFile == null) {
                throw new HttpException(404, "no such file");
            }
            Found found = step(real, indexFile);
            real = found.path();
            attrs = found.attrs();
            name = indexFile;
        } else if (rest.endsWith("/")) {
            throw new HttpException(404, "no such file"); // a file asked for as a directory
        }
        if (!attrs.isRegularFile()) {
            throw new HttpException(404, "no such file");
        }
        StaticFile file = StaticFile.of(real, attrs, null);
        boolean vary = false;
        if (precompressed) {
            StaticFile gz = gzipSibling(real);
            if (gz != null) {
                vary = true;
                if (AcceptGzip.accepts(request)) {
                    file = gz;
                }
            }
        }
        answer(request, responder, file, types.of(name), vary);
    }

    /** Answers with {@code file}, after the conditional fields and the ranges asked for. */
    private void answer(HttpRequest request, HttpResponder responder, StaticFile file, String type, boolean vary) {
        String etag = file.etag();
        long modified = file.modifiedSeconds();
        switch (Preconditions.evaluate(request, etag, modified)) {
            case FAILED -> {
                throw new HttpException(412, "a precondition failed");
            }
            case NOT_MODIFIED -> {
                responder.send(validators(HttpResponse.of(304), file, vary));
                return;
            }
            default -> {
            }
        }
        // A responder of another kind than the server's own (a wrapper) takes one range of an open file, no parts.
        boolean parts = responder instanceof Exchange;
        ByteRanges ranges = request.method().equals("GET") && Preconditions.rangeAllowed(request, etag, modified)
                && request.headers().count("Range") == 1
                ? ByteRanges.parse(request.header("Range"), file.size(), parts ? maxRanges : 1)
                : ByteRanges.parse(null, file.size(), maxRanges);
        FileBody.Source source = file::open;
        HttpResponse head;
        FileBody body;
        switch (ranges.kind()) {
            case UNSATISFIABLE -> {
                throw new HttpException(416, "no range of the " + file.size() + " bytes can be sent",
                        new HttpHeaders().add("Content-Range", "bytes */" + file.size()));
            }
            case RANGES -> {
                head = validators(HttpResponse.of(206), file, vary);
                if (ranges.size() == 1) {
                    head.header("Content-Type", type).header("Content-Range", contentRange(ranges, 0, file.size()));
                    body = FileBody.range(source, ranges.first(0), ranges.last(0) - ranges.first(0) + 1);
                } else {
                    String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE)
                            + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
                    head.header("Content-Type", "multipart/byteranges; boundary=" + boundary);
                    body = multipart(source, ranges, file.size(), type, boundary);
                }
            }
            default -> {
                head = validators(HttpResponse.of(200), file, vary).header("Content-Type", type);
                body = FileBody.range(source, 0, file.size());
            }
        }
        if (file.encoding() != null) {
            head.header("Content-Encoding", file.encoding());
        }
        send(responder, head.header("Accept-Ranges", "bytes"), body);
    }

    /** Hands the answer to the connection: the file is opened when its turn comes. */
    private static void send(HttpResponder responder, HttpResponse head, FileBody body) {
        if (responder instanceof Exchange) {
            ((Exchange) responder).sendFile(head, body);
            return;
        }
        // A responder of another kind (a wrapper): it takes one range of a file opened now.
        try {
            body.open();
        } catch (IOException e) {
            body.close();
            throw new UncheckedIOException(e);
        }
        body.sendAsOneRange(responder, head);
    }

    /** The body of a {@code multipart/byteranges} answer: each range after its part's head, then the closing line. */
    private static FileBody multipart(FileBody.Source source, ByteRanges ranges, long size, String type, String boundary) {
        int n = ranges.size();
        long[] starts = new long[n];
        long[] counts = new long[n];
        byte[][] heads = new byte[n][];
        for (int i = 0; i < n; i++) {
            starts[i] = ranges.first(i);
            counts[i] = ranges.last(i) - ranges.first(i) + 1;
            heads[i] = ((i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: "
                    + contentRange(ranges, i, size) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return FileBody.parts(source, starts, counts, heads, tail);
    }

    private static String contentRange(ByteRanges ranges, int i, long size) {
        return "bytes " + ranges.first(i) + "-" + ranges.last(i) + "/" + size;
    }

    /** The fields a 200, 206 and 304 share: validators, {@code Vary}, {@code Cache-Control}. */
    private HttpResponse validators(HttpResponse response, StaticFile file, boolean vary) {
        response.header("Last-Modified", HttpDates.format(file.modifiedSeconds())).header("ETag", file.etag());
        if (vary) {
            response.header("Vary", "Accept-Encoding");
        }
        if (cacheControl != null) {
            response.header("Cache-Control", cacheControl);
        }
        return response;
    }

    /** The regular file {@code NAME.gz} beside {@code real}, inside the root, as a gzip representation; else null. */
    private StaticFile gzipSibling(Path real) {
        Path gz = real.resolveSibling(real.getFileName() + ".gz");
        if (!gz.toFile().exists()) {
            return null; // the common case, told by one stat and no exception
        }
        try {
            gz = inRoot(gz);
            BasicFileAttributes attrs = Files.readAttributes(gz, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attrs.isRegularFile() ? StaticFile.of(gz, attrs, "gzip") : null;
        } catch (IOException | HttpException e) {
            return null; // none that can be read, or one outside the root: the file itself is sent
        }
    }

    /** A real path inside the root and its attributes. */
    private record Found(Path path, BasicFileAttributes attrs) {
    }

    /**
     * {@code dir}/{@code name}, where {@code dir} is a real path inside the root: itself when it is no symbolic link
     * (one {@code lstat}), else its real path, when that lies inside the root.
     *
     * @throws HttpException 404 when it does not exist or lies outside, 403 when it cannot be reached
     */
    private Found step(Path dir, String name) {
        Path next;
        try {
            next = dir.resolve(name);
        } catch (InvalidPathException e) {
            throw new HttpException(400, "not a file name");
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isSymbolicLink()) {
                return new Found(next, attrs);
            }
            Path real = inRoot(next);
            return new Found(real, Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (AccessDeniedException e) {
            throw new HttpException(403, "the file cannot be read");
        } catch (IOException e) {
            throw new HttpException(404, "no such file"); // missing, a name too long, a link that leads nowhere
        }
    }

    /**
     * The real path of {@code link}, every symbolic link followed, when it lies inside the root.
     *
     * @throws HttpException 404 when it lies outside
     * @throws IOException   when it cannot be resolved
     */
    private Path inRoot(Path link) throws IOException {
        Path real = link.toRealPath();
        if (!real.startsWith(root)) {
            throw new HttpException(404, "no such file"); // a symbolic link that points outside the root
        }
        return real;
    }

    /** A 301 to {@code location} with the request's query. */
    private static HttpResponse redirect(HttpRequest request, String location) {
        String query = request.rawQuery();
        return HttpResponse.of(301).header("Location", query == null ? location : location + "?" + query);
    }

    /** Collects the settings of a {@link StaticFiles}. Not thread-safe. */
    public static final class Builder {
        private final Path root;
        private final String prefix;
        private final Map<String, String> contentTypes = new HashMap<>();
        private String indexFile = "index.html";
        private boolean precompressed = true;
        private boolean hiddenFiles;
        private int maxRanges = 200;
        private String cacheControl;

        private Builder(Path root, String prefix) {
            this.root = root;
            if (!prefix.isEmpty() && !prefix.startsWith("/")) {
                throw new IllegalArgumentException("a mount prefix starts with /: " + prefix);
            }
            this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        }

        /**
         * The file served for a directory asked for with its trailing slash.
         *
         * @param name a file name, or null for none (such a request answers 404)
         * @return this builder
         */
        public Builder indexFile(String name) {
            if (name != null && (name.isEmpty() || name.contains("/") || name.contains("\\"))) {
                throw new IllegalArgumentException("an index file is a plain file name: " + name);
            }
            this.indexFile = name;
            return this;
        }

        /**
         * Sets the content type of files with {@code extension}, over the built-in table.
         *
         * @param extension the extension, without the dot, any case ({@code md})
         * @param type      the {@code Content-Type} value ({@code text/markdown; charset=utf-8})
         * @return this builder
         */
        public Builder contentType(String extension, String type) {
            HttpHeaderSyntax.checkField("Content-Type", type);
            contentTypes.put(extension, type);
            return this;
        }

        /**
         * Whether a {@code NAME.gz} beside a file is sent to clients that accept gzip (default: yes).
         *
         * @param enabled true to look for precompressed siblings
         * @return this builder
         */
        public Builder precompressed(boolean enabled) {
            this.precompressed = enabled;
            return this;
        }

        /**
         * Whether names starting with a dot are served (default: no, they answer 404).
         *
         * @param served true to serve them
         * @return this builder
         */
        public Builder hiddenFiles(boolean served) {
            this.hiddenFiles = served;
            return this;
        }

        /**
         * The most ranges one {@code Range} field may ask for; a field with more is ignored and the whole file sent
         * (default 200).
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxRanges(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxRanges must be at least 1, got " + max);
            }
            this.maxRanges = max;
            return this;
        }

        /**
         * A {@code Cache-Control} value for every file answer (200, 206 and 304), or null for none (the default).
         *
         * @param value the field value ({@code max-age=3600}, say)
         * @return this builder
         */
        public Builder cacheControl(String value) {
            if (value != null) {
                HttpHeaderSyntax.checkField("Cache-Control", value);
            }
            this.cacheControl = value;
            return this;
        }

        /**
         * {@return the handler}
         *
         * @throws UncheckedIOException     when the root cannot be resolved to its real path
         * @throws IllegalArgumentException when the root is not a directory
         */
        public StaticFiles build() {
            Path real;
            try {
                real = root.toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve " + root, e);
            }
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("not a directory: " + root);
            }
            return new StaticFiles(this, real);
        }
    }
}
