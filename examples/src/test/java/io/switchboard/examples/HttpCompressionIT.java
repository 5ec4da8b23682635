package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http example's {@code --compress}: curl gets /json64k in gzip and decompresses it to the example's bytes. */
class HttpCompressionIT {
    @TempDir
    Path dir;

    @Test
    void curlCompressedGetsTheJsonBack() throws Exception {
        Tools.require("curl", "curl");
        try (ExampleProcess server = ExampleProcess.start("http", "--port", "0", "--workers", "1", "--compress", "6")) {
            String base = "http://127.0.0.1:" + server.awaitListening();
            Path body = dir.resolve("body");
            Tools.Result r = Tools.run(30, List.of("curl", "-s", "-f", "--compressed", "-D", "-", "-o", body.toString(),
                    base + "/json64k"));
            assertEquals(0, r.exit(), r.stdout() + r.stderr());
            String head = r.stdout().toLowerCase(Locale.ROOT);
            assertTrue(head.contains("content-encoding: gzip") && head.contains("vary: accept-encoding"), head);
            assertArrayEquals(HttpExample.largeJson(HttpExample.LARGE_JSON_BYTES), Files.readAllBytes(body));
            Tools.Result plain = Tools.run(30, List.of("curl", "-s", "-f", "-D", "-", "-o", "/dev/null", base + "/json64k"));
            assertTrue(plain.stdout().toLowerCase(Locale.ROOT).contains("content-length: 65536"),
                    "a client that asks for no coding gets the bytes as they are: " + plain.stdout());
        }
    }
}
