package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.http.BodyPolicy;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.RequestBody;
import io.switchboard.http.Routes;
import io.switchboard.server.Server;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies far larger than the outbound limits cross the TLS stage both ways with curl: a 70 MiB answer sent whole
 * (paced by the writability of the connection, whose queue holds ciphertext) and a 32 MiB upload streamed to a
 * handler on the loop.
 */
class TlsLargeBodiesTest {
    private static final int MIB = 1024 * 1024;

    private final TlsServerContext tls = TlsServerContext.create(TlsServerConfig.builder()
            .identity(Fixtures.identity("ec.pem", "ec-pkcs8.key")).applicationProtocols("http/1.1").build());
    private final byte[] big = new byte[70 * MIB];
    private Server server;
    private int port;

    @TempDir
    Path dir;

    /** Reads on the loop, never blocking, and answers with the SHA-256 of what came. */
    private static void digest(RequestBody body, HttpResponder responder, MessageDigest sha) {
        try {
            byte[] chunk;
            while ((chunk = body.read()) != null) {
                sha.update(chunk);
            }
            if (body.isEnded()) {
                responder.send(HttpResponse.text(HexFormat.of().formatHex(sha.digest())));
            } else {
                body.demand(() -> digest(body, responder, sha));
            }
        } catch (IOException e) {
            responder.fail(e);
        }
    }

    @BeforeEach
    void start() {
        new Random(7).nextBytes(big);
        Routes routes = Routes.builder()
                .get("/big", (req, res) -> res.send(HttpResponse.of(200).body(big)))
                .put("/upload", HttpHandler.withBody(BodyPolicy.stream(Long.MAX_VALUE),
                        (req, res) -> digest(req.streamedBody(), res, MessageDigest.getInstance("SHA-256"))))
                .build();
        server = Server.builder().workers(1).tls(tls).pipeline(new HttpService(routes)).start();
        port = server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<String> curl(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--fail", "--max-time", "60",
                "--cacert", Fixtures.path("ca.pem").toString(), "--resolve", "localhost:" + port + ":127.0.0.1"));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void aSeventyMebibyteAnswerReachesCurlOverTls() throws Exception {
        Tools.require("curl", "curl");
        Path out = dir.resolve("big.bin");
        Tools.Result r = Tools.run(120, "", curl("-o", out.toString(), "https://localhost:" + port + "/big"));
        assertEquals(0, r.exit(), r.all());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(HexFormat.of().formatHex(sha.digest(big)), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(out))),
                "all 70 MiB arrived, in order");
    }

    @Test
    void aThirtyTwoMebibyteUploadIsStreamedThroughTls() throws Exception {
        Tools.require("curl", "curl");
        Path file = dir.resolve("upload.bin");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[MIB];
        Random random = new Random(11);
        try (OutputStream o = Files.newOutputStream(file)) {
            for (int i = 0; i < 32; i++) {
                random.nextBytes(block);
                sha.update(block);
                o.write(block);
            }
        }
        Tools.Result r = Tools.run(120, "", curl("-T", file.toString(), "https://localhost:" + port + "/upload"));
        assertEquals(0, r.exit(), r.all());
        assertEquals(HexFormat.of().formatHex(sha.digest()), r.stdout(), "the handler's SHA-256 is the file's");
    }
}
