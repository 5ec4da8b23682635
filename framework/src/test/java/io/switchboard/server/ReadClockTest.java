package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A read that wakes a waiting loop is stamped with the time the loop woke, not the time it began to wait: the
 * selector runs the handlers of ready keys inside {@code select}, so the loop reads its clock at the first ready key.
 * Request durations, idle and header timeouts all start from these stamps.
 */
class ReadClockTest {

    @Test
    void aReadAfterTheLoopWaitedIsStampedAfterTheBytesWereSent() throws Exception {
        LinkedBlockingQueue<Long> stamps = new LinkedBlockingQueue<>();
        try (Server server = Server.builder().workers(1).pipeline(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ByteBuffer bytes = (ByteBuffer) message;
                stamps.add(ctx.connection().lastReadNanos());
                ctx.write(new byte[] {bytes.get(bytes.position())});
                bytes.position(bytes.limit());
            }
        })).start();
             Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            List<String> early = new ArrayList<>();
            // 5 rounds: each byte is sent after the answer to the one before came back, when the loop waits again
            for (int i = 0; i < 5; i++) {
                long beforeSend = System.nanoTime();
                out.write('a' + i);
                assertEquals('a' + i, in.read());
                long stamp = stamps.poll(10, TimeUnit.SECONDS);
                if (stamp - beforeSend < 0) {
                    early.add("round " + i + ": stamped " + (beforeSend - stamp) + " ns before the send");
                }
            }
            assertTrue(early.isEmpty(), early.toString());
        }
    }
}
