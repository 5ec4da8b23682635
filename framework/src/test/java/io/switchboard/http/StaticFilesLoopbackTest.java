package io.switchboard.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StaticFiles} on a real server with real clients: curl's ranges ({@code -r}), revalidation ({@code -z},
 * {@code If-None-Match}), {@code --compressed} and {@code -I}; {@code ab -k}; a file larger than the outbound limit;
 * clients that reset or leave in the middle of a file (no descriptor stays open); the traversal attempts.
 */
@Tag("hardening")
class StaticFilesLoopbackTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private StaticFixture files;
    private final List<Server> servers = new ArrayList<>();
    private String base;

    @BeforeEach
    void start() throws Exception {
        files = new StaticFixture(dir);
        base = "http://127.0.0.1:" + start(ConnectionConfig.DEFAULTS).getPort();
    }

    private InetSocketAddress start(ConnectionConfig connection) {
        Server server = Server.builder().workers(1).connection(connection)
                .pipeline(new HttpService(StaticFiles.of(files.root, "/static"))).start();
        servers.add(server);
        return server.localAddress();
    }

    @AfterEach
    void stop() {
        servers.forEach(Server::close);
    }

    private static Cli.Result curl(String... args) throws Exception {
        Cli.require("curl", "curl");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        command.addAll(List.of(args));
        return Cli.run(90, command);
    }

    @Test
    void curlFetchesOneRangeAndSeveral() throws Exception {
        Cli.Result one = curl("-r", "1000-1999", "-w", "\n%{http_code}", base + "/static/big.bin");
        assertEquals(0, one.exit(), one.stderr());
        byte[] out = one.stdout();
        assertEquals("206", new String(out, out.length - 3, 3, StandardCharsets.US_ASCII));
        assertArrayEquals(Arrays.copyOfRange(files.big, 1000, 2000), Arrays.copyOfRange(out, 0, out.length - 4));

        Path headers = dir.resolve("headers.txt");
        Cli.Result several = curl("-r", "0-99,200000-200099", "-D", headers.toString(), base + "/static/big.bin");
        assertEquals(0, several.exit(), several.stderr());
        Matcher m = Pattern.compile("(?i)content-type: multipart/byteranges; boundary=(\\S+)")
                .matcher(Files.readString(headers, StandardCharsets.ISO_8859_1));
        assertTrue(m.find(), Files.readString(headers));
        List<String> parts = StaticFilesTest.multipart(several.stdout(), m.group(1));
        assertEquals(2, parts.size());
        assertTrue(parts.get(1).startsWith("Content-Type: application/octet-stream\r\nContent-Range: bytes 200000-200099/"
                + StaticFixture.BIG + "\r\n\r\n"), parts.get(1));
        byte[] second = parts.get(1).substring(parts.get(1).indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(Arrays.copyOfRange(files.big, 200000, 200100), second);
    }

    @Test
    void curlRevalidatesByDateAndByTag() throws Exception {
        Cli.Result head = curl("-I", base + "/static/hello.txt");
        assertEquals(0, head.exit(), head.stderr());
        String fields = head.text();
        assertTrue(fields.contains("Content-Length: " + StaticFixture.HELLO.length() + "\r\n"), fields);
        String lastModified = field(fields, "Last-Modified");
        String etag = field(fields, "ETag");

        Cli.Result byDate = curl("-z", lastModified, "-w", "%{http_code}", base + "/static/hello.txt");
        assertEquals("304", byDate.text(), "curl -z sends If-Modified-Since; nothing but the status came back");
        Cli.Result byTag = curl("-H", "If-None-Match: " + etag, "-w", "%{http_code}", base + "/static/hello.txt");
        assertEquals("304", byTag.text());
        Cli.Result changed = curl("-H", "If-None-Match: \"old\"", base + "/static/hello.txt");
        assertEquals(StaticFixture.HELLO, changed.text());
    }

    private static String field(String head, String name) {
        Matcher m = Pattern.compile("(?im)^" + name + ": ([^\r\n]*)").matcher(head);
        assertTrue(m.find(), name + " in " + head);
        return m.group(1);
    }

    @Test
    void curlCompressedGetsTheGzipSiblingAndUnpacksIt() throws Exception {
        Path headers = dir.resolve("headers.txt");
        Cli.Result r = curl("--compressed", "-D", headers.toString(), base + "/static/app.js");
        assertEquals(0, r.exit(), r.stderr());
        String fields = Files.readString(headers, StandardCharsets.ISO_8859_1);
        assertTrue(fields.contains("Content-Encoding: gzip\r\n"), fields);
        assertTrue(fields.contains("Content-Length: " + files.scriptGz.length + "\r\n"), "the .gz file's length: " + fields);
        assertTrue(fields.contains("Vary: Accept-Encoding\r\n"), fields);
        assertArrayEquals(files.script, r.stdout(), "curl unpacked the sibling into the original");
    }

    @Test
    void abWithKeepAliveCompletesEveryRequest() throws Exception {
        Cli.require("ab", "apache2-utils");
        Cli.Result r = Cli.run(120, List.of("ab", "-k", "-n", "400", "-c", "8", base + "/static/big.bin"));
        String report = r.text();
        assertEquals(0, r.exit(), report + r.stderr());
        assertTrue(report.contains("Complete requests:      400"), report);
        assertTrue(report.contains("Failed requests:        0"), report);
        assertTrue(report.contains("Keep-Alive requests:    400"), "every request on a kept connection: " + report);
        assertTrue(report.contains("Document Length:        " + StaticFixture.BIG + " bytes"), report);
    }

    @Test
    void aFileLargerThanTheOutboundLimitIsSentWhole() throws Exception {
        // at most 1 MiB queued per connection (64 KiB / 32 KiB watermarks); the file is 8 MiB
        InetSocketAddress small = start(new ConnectionConfig(64 * 1024, 32 * 1024, MIB, Duration.ofSeconds(5)));
        byte[] large = new byte[8 * MIB];
        new Random(5).nextBytes(large);
        Files.write(files.root.resolve("large.bin"), large);
        Path out = dir.resolve("large.out");
        Cli.Result r = curl("--fail", "-o", out.toString(), "http://127.0.0.1:" + small.getPort() + "/static/large.bin");
        assertEquals(0, r.exit(), r.stderr());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(HexFormat.of().formatHex(sha.digest(large)), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(out))),
                "all 8 MiB, eight times the outbound limit, arrived in order");
    }

    @Test
    void headGetsTheLengthFromCurl() throws Exception {
        Cli.Result r = curl("-I", base + "/static/big.bin");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.text().startsWith("HTTP/1.1 200 OK\r\n"), r.text());
        assertTrue(r.text().contains("Content-Length: " + StaticFixture.BIG + "\r\n"), r.text());
    }

    @Test
    void aClientThatResetsOrLeavesMidFileLeavesNoDescriptorOpen() throws Exception {
        byte[] large = new byte[16 * MIB];
        Files.write(files.root.resolve("large.bin"), large);
        Path file = files.root.resolve("large.bin");
        int port = servers.get(0).localAddress().getPort();
        for (boolean reset : new boolean[] {true, false}) {
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(16 * 1024);
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(10_000);
                OutputStream o = s.getOutputStream();
                o.write("GET /static/large.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                InputStream in = s.getInputStream();
                byte[] some = in.readNBytes(64 * 1024);
                assertEquals(64 * 1024, some.length);
                await().atMost(Duration.ofSeconds(10)).until(() -> StaticFixture.openDescriptors(file) == 1);
                if (reset) {
                    s.setSoLinger(true, 0); // the close sends RST
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> StaticFixture.openDescriptors(file) == 0);
        }
        Cli.Result after = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/static/hello.txt");
        assertEquals("200", after.text(), "the server goes on serving");
    }

    @Test
    void curlPathsOutOfTheRootAreRefused() throws Exception {
        String[][] cases = {
            {"/static/../secret.txt", "400"}, {"/static/%2e%2e/secret.txt", "400"}, {"/static/..%2fsecret.txt", "400"},
            {"/static/..%5csecret.txt", "400"}, {"/static/a%00", "400"}, {"/static/link-out", "404"},
            {"/static/docs-out/secret.txt", "404"}, {"/static/.env", "404"}
        };
        for (String[] c : cases) {
            Cli.Result r = curl("--path-as-is", "-w", "\n%{http_code}", base + c[0]);
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.text().endsWith(c[1]), c[0] + " answered " + r.text());
            assertFalse(r.text().contains(StaticFixture.SECRET), c[0] + " leaked the secret");
        }
    }
}
