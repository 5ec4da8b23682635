package io.switchboard.examples;

import io.switchboard.http.BodyPolicy;
import io.switchboard.http.HttpHandler;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.RequestBody;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code PUT /upload}: reads the body as it arrives, on the connection's loop, and answers
 * {@code {"bytes":N,"sha256":"…"}}. The body is streamed ({@link BodyPolicy#stream}) with no limit on its size:
 * nothing is kept but the digest, the connection holds at most its window of unread bytes (64 KiB) plus one read,
 * and stops reading from the client while the digest catches up, so a 1 GiB upload takes as little memory as a 1 KiB one,
 * and the body timeout still drops a client that stops sending. A server that stored uploads would set a limit
 * here. No thread waits: the handler reads what has arrived with {@link RequestBody#read()} and asks with
 * {@link RequestBody#demand} to be called back when there is more.
 */
final class Sha256Upload implements HttpHandler {
    private static final BodyPolicy ANY_SIZE = BodyPolicy.stream(Long.MAX_VALUE);

    @Override
    public BodyPolicy bodyPolicy(HttpRequest head) {
        return ANY_SIZE;
    }

    @Override
    public void handle(HttpRequest request, HttpResponder responder) throws NoSuchAlgorithmException {
        new Digest(request.streamedBody(), responder).readWhatArrived();
    }

    /** One upload being read: the digest so far. Runs on the connection's loop only. */
    private static final class Digest {
        private final RequestBody body;
        private final HttpResponder responder;
        private final MessageDigest sha256;
        private long bytes;

        Digest(RequestBody body, HttpResponder responder) throws NoSuchAlgorithmException {
            this.body = body;
            this.responder = responder;
            this.sha256 = MessageDigest.getInstance("SHA-256");
        }

        void readWhatArrived() {
            try {
                for (byte[] chunk = body.read(); chunk != null; chunk = body.read()) {
                    sha256.update(chunk);
                    bytes += chunk.length;
                }
            } catch (IOException cutShort) {
                responder.fail(cutShort); // the server has answered (400, 408 ...) or the client left
                return;
            }
            if (body.isEnded()) {
                responder.send(HttpResponse.of(200).header("Content-Type", "application/json")
                        .body("{\"bytes\":" + bytes + ",\"sha256\":\"" + HexFormat.of().formatHex(sha256.digest()) + "\"}"));
            } else {
                body.demand(this::readWhatArrived);
            }
        }
    }
}
