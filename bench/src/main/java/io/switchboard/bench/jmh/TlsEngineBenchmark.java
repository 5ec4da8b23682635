package io.switchboard.bench.jmh;

import io.switchboard.tls.Identity;
import io.switchboard.tls.TlsClientConfig;
import io.switchboard.tls.TlsClientContext;
import io.switchboard.tls.TlsServerConfig;
import io.switchboard.tls.TlsServerContext;
import io.switchboard.tls.Trust;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDK's {@code SSLEngine} on one record, without sockets or a pipeline: the most a TLS stage on it can do per
 * core. A server engine and a client engine from Switchboard's TLS contexts (an ECDSA P-256 certificate made with
 * {@code keytool}, TLS 1.3, {@code TLS_AES_256_GCM_SHA384}: what the suite's servers negotiate) complete their
 * handshake in memory in the setup; then each operation is
 * <ul>
 *   <li>{@code wrap}: the server encrypts {@code size} bytes of plaintext (copy into the packet buffer, AES-GCM in
 *       place, record header): one record, or for 16,384 bytes two, as for a 16 KiB write in both servers, since
 *       the JDK puts at most 16,367 bytes in a TLS 1.3 record (2^14 less the content type byte and the 16 bytes of
 *       padding it adds);</li>
 *   <li>{@code wrapUnwrap}: the same, then the client decrypts it: what a server does per echoed message (one
 *       decryption, one encryption).</li>
 * </ul>
 * {@code buffers}: the plaintext and packet buffers on the heap or direct. Bytes per second = operations per
 * second × size. Compare with {@link AesGcmBenchmark}, the cipher alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2) // the JIT needs about 15 s for the engine's unwrap path on this machine
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlsEngineBenchmark {
    /** The suite TLS 1.3 uses with the servers of the suite. */
    static final String SUITE = "TLS_AES_256_GCM_SHA384";

    /** Plaintext bytes per record. */
    @Param({"128", "1024", "16384"})
    public int size;

    /** Where the plaintext and packet buffers are. */
    @Param({"heap", "direct"})
    public String buffers;

    private SSLEngine server;
    private SSLEngine client;
    private ByteBuffer plaintext;
    private ByteBuffer packet;
    private ByteBuffer received;

    /** Makes the certificate and the engines, completes the handshake, and checks one record both ways. */
    @Setup
    public void setup() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tls-engine-bench");
        try {
            Path keystore = dir.resolve("bench.p12");
            Path certificate = dir.resolve("cert.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(keytool, "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "bench",
                    "-dname", "CN=localhost", "-ext", "san=dns:localhost", "-validity", "2", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", "benchmark", "-keypass", "benchmark"));
            run(List.of(keytool, "-exportcert", "-rfc", "-alias", "bench", "-keystore", keystore.toString(),
                    "-storepass", "benchmark", "-file", certificate.toString()));
            TlsServerContext serverContext = TlsServerContext.create(TlsServerConfig.builder()
                    .identity(Identity.pkcs12(keystore, "benchmark".toCharArray())).build());
            TlsClientContext clientContext = TlsClientContext.create(TlsClientConfig.builder()
                    .trust(Trust.pem(certificate)).cipherSuites(SUITE).build());
            server = serverContext.newEngine(null, -1);
            client = clientContext.newEngine("localhost", 443);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
        boolean direct = buffers.equals("direct");
        int packetSize = server.getSession().getPacketBufferSize();
        int appSize = Math.max(size, client.getSession().getApplicationBufferSize());
        plaintext = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        packet = direct ? ByteBuffer.allocateDirect(2 * packetSize) : ByteBuffer.allocate(2 * packetSize);
        received = direct ? ByteBuffer.allocateDirect(2 * appSize) : ByteBuffer.allocate(2 * appSize);
        handshake(packetSize, appSize);
        if (!SUITE.equals(server.getSession().getCipherSuite()) || !"TLSv1.3".equals(server.getSession().getProtocol())) {
            throw new IllegalStateException("negotiated " + server.getSession().getProtocol() + " "
                    + server.getSession().getCipherSuite() + ", not TLSv1.3 " + SUITE);
        }
        byte[] data = new byte[size];
        new SplittableRandom(5).nextBytes(data);
        plaintext.put(data).flip();
        if (wrapUnwrap() != size || !received.flip().equals(ByteBuffer.wrap(data))) {
            throw new IllegalStateException("a record of " + size + " bytes did not come back whole");
        }
    }

    /** The server encrypts {@code size} bytes (one record, two for 16 KiB); returns the packets' length. */
    @Benchmark
    public int wrap() throws SSLException {
        plaintext.rewind();
        packet.clear();
        while (plaintext.hasRemaining()) {
            SSLEngineResult r = server.wrap(plaintext, packet);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                throw new IllegalStateException("wrap: " + r);
            }
        }
        return packet.position();
    }

    /** The server encrypts {@code size} bytes and the client decrypts them; returns the plaintext's length. */
    @Benchmark
    public int wrapUnwrap() throws SSLException {
        wrap();
        packet.flip();
        received.clear();
        while (packet.hasRemaining()) {
            SSLEngineResult r = client.unwrap(packet, received);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                throw new IllegalStateException("unwrap: " + r);
            }
        }
        return received.position();
    }

    /** Runs the handshake in memory, then lets the client read what the server sent after it (session tickets). */
    private void handshake(int packetSize, int appSize) throws SSLException {
        ByteBuffer toServer = ByteBuffer.allocate(packetSize * 4);
        ByteBuffer toClient = ByteBuffer.allocate(packetSize * 4);
        ByteBuffer app = ByteBuffer.allocate(appSize);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 200 && (busy(client) || busy(server)); i++) {
            step(client, toClient, toServer, app);
            step(server, toServer, toClient, app);
        }
        if (busy(client) || busy(server)) {
            throw new IllegalStateException("the handshake did not complete: client " + client.getHandshakeStatus()
                    + ", server " + server.getHandshakeStatus());
        }
        toClient.flip();
        while (toClient.hasRemaining()) {
            app.clear();
            SSLEngineResult r = client.unwrap(toClient, app);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                throw new IllegalStateException("after the handshake: " + r);
            }
        }
    }

    private static boolean busy(SSLEngine engine) {
        HandshakeStatus s = engine.getHandshakeStatus();
        return s != HandshakeStatus.NOT_HANDSHAKING && s != HandshakeStatus.FINISHED;
    }

    /** One handshake step of {@code engine}: its tasks, a wrap into {@code out}, or an unwrap of what {@code in} holds. */
    private static void step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
        for (int n = 0; n < 16; n++) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    in.flip();
                    app.clear();
                    SSLEngineResult r = engine.unwrap(in, app);
                    in.compact();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0
                            && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                        return; // wait for the peer
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command.get(1) + " failed: " + output);
        }
    }
}
