package io.switchboard.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * A directory to serve in the static file tests, and a secret beside it that no request may reach:
 * <pre>
 *   secret.txt                  outside the root
 *   root/hello.txt              "Hello, static world!\n"
 *   root/big.bin                300 KiB of random bytes (above a connection's 64 KiB high watermark)
 *   root/app.js, app.js.gz      a script and its gzip
 *   root/style.css, .css.gz     a style sheet whose .gz is a link to the secret
 *   root/docs/index.html        a directory with an index
 *   root/empty/                 a directory without one
 *   root/.env                   a hidden file
 *   root/link-in                a link to hello.txt
 *   root/link-out               a link to the secret
 *   root/docs-out               a link to the directory above the root
 * </pre>
 */
final class StaticFixture {
    static final String HELLO = "Hello, static world!\n";
    static final String SECRET = "the secret outside the root";
    static final int BIG = 300 * 1024;

    final Path root;
    final Path secret;
    final byte[] big;
    final byte[] script;
    final byte[] scriptGz;

    StaticFixture(Path dir) throws IOException {
        secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("hello.txt"), HELLO);
        big = new byte[BIG];
        new Random(3).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        script = "console.log('hello');\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Files.write(root.resolve("app.js"), script);
        scriptGz = gzip(script);
        Files.write(root.resolve("app.js.gz"), scriptGz);
        Files.writeString(root.resolve("style.css"), "body { color: black }\n");
        Files.createSymbolicLink(root.resolve("style.css.gz"), secret);
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<h1>docs</h1>\n");
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve(".env"), SECRET);
        Files.createSymbolicLink(root.resolve("link-in"), root.resolve("hello.txt"));
        Files.createSymbolicLink(root.resolve("link-out"), secret);
        Files.createSymbolicLink(root.resolve("docs-out"), dir);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** The open descriptors of this process that point at {@code file}, from /proc/self/fd. */
    static long openDescriptors(Path file) throws IOException {
        Path real = file.toRealPath();
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        return n;
    }
}
