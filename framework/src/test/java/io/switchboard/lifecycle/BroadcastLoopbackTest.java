package io.switchboard.lifecycle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Broadcast of one buffer to members on two loops, over loopback. */
@Tag("hardening")
class BroadcastLoopbackTest {
    private static final int MEMBERS = 8;

    @Test
    void aBufferBroadcastFromALoopReachesEveryMemberOnBothLoopsExactly() throws Exception {
        ConnectionGroup group = new ConnectionGroup();
        Set<EventLoop> loops = ConcurrentHashMap.newKeySet();
        AtomicInteger written = new AtomicInteger(-1);
        // 16 KiB lines: a member on another loop copies the message later than the caller's own loop would.
        char[] text = new char[16 * 1024];
        Arrays.fill(text, 'x');
        String line = new String(text);
        Handler room = new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                loops.add(ctx.loop());
                group.add(ctx.connection());
            }

            @Override
            public void read(HandlerContext ctx, Object message) {
                // The sender builds one buffer, broadcasts it, and reuses it at once.
                ByteBuffer buffer = ByteBuffer.allocate(line.length() + 1);
                buffer.put((line + "\n").getBytes(StandardCharsets.US_ASCII)).flip();
                written.set(group.broadcast(buffer));
                buffer.clear();
                while (buffer.hasRemaining()) {
                    buffer.put((byte) '!');
                }
            }
        };
        try (Server server = Server.builder().workers(2).pipeline(p -> p.add(new LineCodec(64 * 1024)).add(room)).start()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < MEMBERS; i++) {
                    Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
                    s.setSoTimeout(10_000);
                    sockets.add(s);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> group.size() == MEMBERS);
                assertEquals(2, loops.size(), "members on two loops");

                sockets.get(0).getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < MEMBERS; i++) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(sockets.get(i).getInputStream(),
                            StandardCharsets.US_ASCII));
                    String got = in.readLine();
                    assertTrue(line.equals(got), "member " + i + " got the 16 KiB line exactly, not "
                            + (got == null ? "nothing" : got.length() + " bytes starting " + got.substring(0, Math.min(8, got.length()))));
                }
                assertEquals(MEMBERS, written.get(), "written to all eight");
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
