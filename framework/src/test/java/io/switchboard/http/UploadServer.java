package io.switchboard.http;

import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A server for {@link UploadLoopbackTest}, run in its own JVM so that its heap can be bounded: {@code PUT /upload}
 * streams the body to a file (on the offload, through the blocking view) and answers
 * {@code {"bytes":N,"sha256":"…","heapCommitted":N}}. Prints {@code PORT n} once it listens; exits when its
 * standard input closes.
 */
public final class UploadServer {
    private UploadServer() {
    }

    /**
     * Starts the server.
     *
     * @param args the directory to store uploads in
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (Offload offload = Offload.create("upload")) {
            Routes routes = Routes.builder().put("/upload", HttpHandler.withBody(BodyPolicy.stream(Long.MAX_VALUE),
                    HttpHandler.offload(offload, (request, responder) -> {
                        MessageDigest sha = MessageDigest.getInstance("SHA-256");
                        long bytes;
                        try (InputStream in = new DigestInputStream(request.bodyStream(), sha);
                             OutputStream out = Files.newOutputStream(dir.resolve("upload.bin"))) {
                            bytes = in.transferTo(out);
                        }
                        responder.send(HttpResponse.of(200).header("Content-Type", "application/json")
                                .body("{\"bytes\":" + bytes + ",\"sha256\":\"" + HexFormat.of().formatHex(sha.digest())
                                        + "\",\"heapCommitted\":" + Runtime.getRuntime().totalMemory() + "}"));
                    }))).build();
            try (Server server = Server.builder().workers(1).pipeline(new HttpService(routes)).start()) {
                System.out.println("PORT " + server.localAddress().getPort());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // Runs until the test closes our standard input.
                }
            }
        }
    }
}
