package io.switchboard.lifecycle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Server;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A room on two loops: one client sends a burst of lines, some clients read everything, some read nothing.
 * Those that read must get every line and stay; those that do not are closed.
 */
@Tag("hardening")
class SlowReceiversLoopbackTest {
    private static final int READERS = 6;
    private static final int SILENT = 4;
    /** 8 MiB in one burst, 1 KiB a line: far more than one member's 64 KiB watermark, and than its socket takes. */
    private static final int LINES = 8192;

    @Test
    void aBurstClosesMembersThatDoNotReadAndNoneThatDo() throws Exception {
        ConnectionGroup room = new ConnectionGroup(SlowReceivers.CLOSE);
        Handler chat = new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                room.add(ctx.connection());
            }

            @Override
            public void read(HandlerContext ctx, Object line) {
                Connection me = ctx.connection();
                room.broadcast(line, c -> c != me);
            }
        };
        List<Socket> sockets = new ArrayList<>();
        try (Server server = Server.builder().workers(2).pipeline(p -> p.add(new LineCodec(4096)).add(chat)).start()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.localAddress().getPort());
            List<CompletableFuture<Integer>> readers = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.connect(address);
                s.setSoTimeout(30_000);
                readers.add(CompletableFuture.supplyAsync(() -> readAll(s)));
            }
            for (int i = 0; i < SILENT; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.setReceiveBufferSize(4096);
                s.connect(address);
            }
            Socket talker = new Socket();
            sockets.add(talker);
            talker.connect(address);
            await().atMost(Duration.ofSeconds(10)).until(() -> room.size() == READERS + SILENT + 1);

            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            String text = "x".repeat(1000);
            for (int i = 1; i <= LINES; i++) {
                burst.writeBytes((text + " " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            talker.getOutputStream().write(burst.toByteArray());
            for (int i = 0; i < READERS; i++) {
                assertEquals(LINES, readers.get(i).get(60, TimeUnit.SECONDS), "reader " + i + " got every line, in order");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> room.size() == READERS + 1);
            assertEquals(READERS + 1, room.size(), "the " + SILENT + " members that read nothing were closed, no reader was");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Reads lines until the last one of the burst; returns how many arrived in order. */
    private static int readAll(Socket s) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            int n = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.endsWith(" " + (n + 1))) {
                    return n;
                }
                if (++n == LINES) {
                    return n;
                }
            }
            return n;
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
