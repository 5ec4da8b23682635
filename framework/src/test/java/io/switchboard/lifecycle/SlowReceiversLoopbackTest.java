package io.switchboard.lifecycle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A room on two loops: one client sends 8 MiB of lines, some clients read everything, some read nothing.
 * Those that read must get every line and stay; those that do not are closed.
 */
@Tag("hardening")
class SlowReceiversLoopbackTest {
    /** One reader on each loop (connections are spread over the loops in the order they arrive). */
    private static final int READERS = 2;
    private static final int SILENT = 4;
    /** 8 MiB, 1 KiB a line: far more than one member's 64 KiB watermark, and than its socket takes. */
    private static final int LINES = 8192;
    /** Lines the talker sends at a time. */
    private static final int CHUNK = 16;
    /**
     * How far a reader may be behind the talker before it sends more: 32 KiB, less than half a member's watermark,
     * so a reader that the machine's scheduler holds back is never taken for a slow one (the burst is paced by the
     * readers, not by time), while the silent members still fall 8 MiB behind.
     */
    private static final int LAG = 32;

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
            AtomicIntegerArray progress = new AtomicIntegerArray(READERS);
            for (int i = 0; i < READERS; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.connect(address);
                s.setSoTimeout(30_000);
                int reader = i;
                readers.add(CompletableFuture.supplyAsync(() -> readAll(s, progress, reader), task -> new Thread(task).start()));
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

            String text = "x".repeat(1000);
            for (int first = 1; first <= LINES; first += CHUNK) {
                int behind = first - 1 - LAG;
                await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> slowest(progress) >= behind);
                ByteArrayOutputStream chunk = new ByteArrayOutputStream();
                for (int i = first; i < first + CHUNK && i <= LINES; i++) {
                    chunk.writeBytes((text + " " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                talker.getOutputStream().write(chunk.toByteArray());
            }
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

    /**
     * Reads the burst in large chunks (a reader must keep up with the server, or it is rightly closed as slow)
     * and returns how many lines arrived, checking each line's number.
     */
    private static int slowest(AtomicIntegerArray progress) {
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < progress.length(); i++) {
            min = Math.min(min, progress.get(i));
        }
        return min;
    }

    private static int readAll(Socket s, AtomicIntegerArray progress, int reader) {
        try {
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            int lines = 0;
            int number = 0;
            boolean inNumber = false;
            int n;
            while (lines < LINES && (n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        if (number != lines + 1) {
                            return lines;
                        }
                        lines++;
                        progress.lazySet(reader, lines);
                        number = 0;
                        inNumber = false;
                    } else if (b == ' ') {
                        inNumber = true;
                    } else if (inNumber) {
                        number = number * 10 + (b - '0');
                    }
                }
            }
            return lines;
        } catch (IOException e) {
            return -1;
        }
    }
}
