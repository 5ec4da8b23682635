package io.switchboard.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.http.HttpService;
import io.switchboard.http.StaticFiles;
import io.switchboard.server.Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static files over TLS, where the stage must see the bytes: no file region reaches it (it would refuse one), the
 * file is read in chunks while the client keeps up, and it is closed once sent. curl checks every byte.
 */
@Tag("hardening")
class TlsStaticFilesTest {
    private static final int MIB = 1024 * 1024;

    private final TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
            .identity(Fixtures.identity("ec.pem", "ec-pkcs8.key")).applicationProtocols("http/1.1").build());
    private final byte[] content = new byte[8 * MIB];
    private Server server;
    private int port;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        new Random(9).nextBytes(content);
        Files.write(Files.createDirectories(dir.resolve("www")).resolve("file.bin"), content);
        server = Server.builder().workers(1).tls(tls)
                .pipeline(new HttpService(StaticFiles.of(dir.resolve("www"), "/static"))).start();
        port = server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<String> curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail", "--max-time", "60",
                "--cacert", Fixtures.path("ca.pem").toString(), "--resolve", "localhost:" + port + ":127.0.0.1"));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void aFileLargerThanTheWatermarksArrivesWholeOverTls() throws Exception {
        Tools.require("curl", "curl");
        Path out = dir.resolve("out.bin");
        Tools.Result r = Tools.run(120, "", curl("-o", out.toString(), "https://localhost:" + port + "/static/file.bin"));
        assertEquals(0, r.exit(), r.all());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(HexFormat.of().formatHex(sha.digest(content)), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(out))),
                "all 8 MiB, read from the file in chunks and encrypted, in order");
        Path file = dir.resolve("www/file.bin").toRealPath();
        await().atMost(Duration.ofSeconds(10)).until(() -> openDescriptors(file) == 0);
    }

    @Test
    void aRangeOverTlsIsTheRightSlice() throws Exception {
        Tools.require("curl", "curl");
        Path out = dir.resolve("range.bin");
        Tools.Result r = Tools.run(60, "", curl("-r", "5000000-5099999", "-o", out.toString(),
                "https://localhost:" + port + "/static/file.bin"));
        assertEquals(0, r.exit(), r.all());
        assertArrayEquals(Arrays.copyOfRange(content, 5_000_000, 5_100_000), Files.readAllBytes(out));
    }

    private static long openDescriptors(Path real) throws IOException {
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
