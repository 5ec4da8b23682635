package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code curl -T} uploads a file far larger than the server's heap to a route that streams its body to disk: the
 * server runs in its own JVM at {@code -Xmx64m}, so a body held whole (200 MiB here) could not fit. The SHA-256 of
 * what the handler received equals the file's.
 *
 * <p>The suite uploads 200 MiB (a few seconds); {@code -Dswitchboard.uploadMiB=1024} runs the 1 GiB upload.
 */
class UploadLoopbackTest {
    private static final int MIB = 1024 * 1024;
    private static final int HEAP_MIB = 64;

    @TempDir
    Path dir;

    @Test
    void curlUploadsAFileLargerThanTheServersHeapAndTheHandlerGetsEveryByte() throws Exception {
        HttpTestSupport.requireCurl();
        int mib = Integer.getInteger("switchboard.uploadMiB", 200);
        Path file = dir.resolve("upload-source.bin");
        String expected = writeFile(file, mib);
        Path store = Files.createDirectory(dir.resolve("store"));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path serverLog = dir.resolve("server.log");
        Process server = new ProcessBuilder(java, "-Xmx" + HEAP_MIB + "m", "-XX:MaxDirectMemorySize=32m",
                "-cp", System.getProperty("java.class.path"), UploadServer.class.getName(), store.toString())
                .redirectError(serverLog.toFile()).start();
        try {
            int port = port(server);
            Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--max-time", "300", "-T", file.toString(),
                    "http://127.0.0.1:" + port + "/upload").redirectErrorStream(true).start();
            String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!curl.waitFor(300, TimeUnit.SECONDS)) {
                curl.destroyForcibly();
                fail("curl did not finish");
            }
            long peakRss = peakRssKib(server.pid());
            assertEquals(0, curl.exitValue(), "curl: " + answer + "\nserver: " + Files.readString(serverLog));

            assertEquals(String.valueOf((long) mib * MIB), field(answer, "bytes"), answer);
            assertEquals(expected, field(answer, "sha256"), "what the handler got is the file: " + answer);
            assertEquals(Files.size(file), Files.size(store.resolve("upload.bin")));
            long heap = Long.parseLong(field(answer, "heapCommitted"));
            // One run (200 MiB, JDK 17): the heap grew to its 64 MiB bound (chunks are garbage the collector takes late), peak RSS 100 MiB.
            System.out.printf("upload of %d MiB: server heap committed %d MiB (max %d), peak RSS %d MiB%n",
                    mib, heap / MIB, HEAP_MIB, peakRss / 1024);
            assertTrue(heap <= (long) HEAP_MIB * MIB, "the server's heap stayed within -Xmx" + HEAP_MIB + "m: " + heap);
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** Writes {@code mib} MiB of pseudo-random bytes; {@return their SHA-256 in hex} */
    private static String writeFile(Path file, int mib) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(13);
        byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                sha.update(block);
                out.write(block);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static int port(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("PORT ")) {
                return Integer.parseInt(line.substring(5).trim());
            }
        }
        throw new AssertionError("the upload server exited before it listened");
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return m.group(1);
    }

    /** The child's peak resident set (VmHWM) in KiB, or -1 where /proc does not say. */
    private static long peakRssKib(long pid) throws IOException {
        Path status = Path.of("/proc", String.valueOf(pid), "status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

}
