package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http --static DIR}: the directory at {@code /static/} beside the example's own routes, driven by curl and ab. */
class HttpStaticExampleIT {
    @TempDir
    static Path dir;

    private static ExampleProcess server;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), "hello from a file\n");
        Files.createDirectories(www.resolve("site"));
        Files.writeString(www.resolve("site/index.html"), "<p>index</p>\n");
        byte[] page = "<p>a page that compresses well</p>\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        Files.write(www.resolve("page.html"), page);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(page);
        }
        Files.write(www.resolve("page.html.gz"), gz.toByteArray());
        server = ExampleProcess.start("http", "--port", "0", "--workers", "1", "--static", www.toString());
        base = "http://127.0.0.1:" + server.awaitListening();
    }

    @AfterAll
    static void stop() {
        server.process.destroy();
        server.awaitExit(Duration.ofSeconds(10));
    }

    private static Tools.Result curl(String... args) throws IOException, InterruptedException {
        Tools.require("curl", "curl");
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        return Tools.run(60, command);
    }

    @Test
    void filesAreServedUnderStaticAndTheRoutesStayAsTheyWere() throws Exception {
        assertEquals("hello from a file\n", curl(base + "/static/hello.txt").stdout());
        assertEquals("Hello, World!", curl(base + "/plaintext").stdout(), "the example's own routes are unchanged");
        assertEquals("llo", curl("-r", "2-4", base + "/static/hello.txt").stdout());
        assertEquals("301 " + base + "/static/site/", curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                base + "/static/site").stdout());
        assertEquals("<p>index</p>\n", curl("-L", base + "/static/site").stdout());
        assertEquals("404", curl("-o", "/dev/null", "-w", "%{http_code}", base + "/static/missing").stdout());
        assertEquals("400", curl("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                base + "/static/../pom.xml").stdout());
        Tools.Result compressed = curl("--compressed", "-D", "-", base + "/static/page.html");
        assertTrue(compressed.stdout().contains("Content-Encoding: gzip"), compressed.stdout());
        assertTrue(compressed.stdout().endsWith("<p>a page that compresses well</p>\n"), "curl unpacked the .gz sibling");
    }

    @Test
    void abKeepAliveOnAStaticFile() throws Exception {
        Tools.require("ab", "apache2-utils");
        Tools.Result r = Tools.run(60, List.of("ab", "-k", "-n", "2000", "-c", "8", base + "/static/page.html"));
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("Complete requests:      2000"), r.stdout());
        assertTrue(r.stdout().contains("Failed requests:        0"), r.stdout());
        assertTrue(r.stdout().contains("Keep-Alive requests:    2000"), r.stdout());
    }
}
