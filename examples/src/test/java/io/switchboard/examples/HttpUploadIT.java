package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: {@code curl -T} uploads 1 GiB to the http example's {@code PUT /upload}, the server running at
 * {@code -Xmx128m}: the answer's SHA-256 is that of the bytes sent, and the server's resident memory never came near
 * the size of the body. The bytes come from a generator through curl's stdin, so the test needs no 1 GiB file.
 */
class HttpUploadIT {
    private static final long MIB = 1024 * 1024;
    private static final long UPLOAD = 1024 * MIB;
    private static final long HEAP = 128 * MIB;
    /**
     * The server's peak resident memory may not pass its heap and what the JVM holds beyond it
     * ({@link ProcessMemory#BEYOND_HEAP}, 128 MiB): 256 MiB, a quarter of the body. A body held whole could not fit
     * the heap at all; a body held in part (or a leak of its chunks) would show here before the heap limit did.
     */
    private static final long PEAK_RSS_BOUND = HEAP + ProcessMemory.BEYOND_HEAP;

    @TempDir
    Path dir;

    @Test
    void curlUploadsOneGibibyteToAServerWithA128MebibyteHeapAndGetsItsDigest() throws Exception {
        Tools.require("curl", "curl");
        try (ExampleProcess server = ExampleProcess.start(List.of("-Xmx128m"), "http", "--port", "0", "--workers", "2")) {
            int port = server.awaitListening();
            Path curlErrors = dir.resolve("curl.err");
            // -T - reads stdin; without a length curl would send chunks, so the length is given and chunking removed:
            // a Content-Length upload, with Expect: 100-continue, as curl -T FILE sends it.
            Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--max-time", "300", "-T", "-",
                    "-H", "Transfer-Encoding:", "-H", "Content-Length: " + UPLOAD,
                    "http://127.0.0.1:" + port + "/upload").redirectError(curlErrors.toFile()).start();
            CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> feed(curl, UPLOAD));
            String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!curl.waitFor(300, TimeUnit.SECONDS)) {
                curl.destroyForcibly();
                fail("curl did not finish");
            }
            long peak = ProcessMemory.peakRss(server.process);
            assertEquals(0, curl.exitValue(), "curl: " + Files.readString(curlErrors) + "\nserver: " + server.stderr);
            String sha256 = sent.get(60, TimeUnit.SECONDS);

            assertEquals("{\"bytes\":" + UPLOAD + ",\"sha256\":\"" + sha256 + "\"}", answer,
                    "the server digested every byte curl sent, in order");
            System.out.printf("PUT /upload of %d MiB at -Xmx128m: server peak RSS (VmHWM) %s%n", UPLOAD / MIB,
                    ProcessMemory.mib(peak));
            assertTrue(peak <= PEAK_RSS_BOUND, "the server's peak RSS stayed within the heap plus 128 MiB ("
                    + ProcessMemory.mib(PEAK_RSS_BOUND) + ") during a " + UPLOAD / MIB + " MiB upload: " + ProcessMemory.mib(peak));
        }
    }

    /**
     * Writes {@code length} deterministic pseudo-random bytes (xorshift64) to curl's stdin, closes it, and
     * {@return their SHA-256 in hex}
     */
    private static String feed(Process curl, long length) {
        try (OutputStream out = curl.getOutputStream()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long x = 0x9E3779B97F4A7C15L;
            for (long sent = 0; sent < length; sent += buffer.length) {
                for (int i = 0; i < buffer.length; i += 8) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    for (int b = 0; b < 8; b++) {
                        buffer[i + b] = (byte) (x >>> (b * 8));
                    }
                }
                int n = (int) Math.min(buffer.length, length - sent);
                out.write(buffer, 0, n);
                sha.update(buffer, 0, n);
            }
            out.flush();
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("feeding curl failed", e);
        }
    }
}
