package io.switchboard.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.codec.LineCodec;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two line servers, each with a {@link RedisGroup} on one channel of a real redis-server: a line said on either
 * server reaches every member of both exactly once, the sender's own server included.
 */
class RedisGroupTest {
    private RedisProcess redis;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        redis.close();
    }

    /** A line server whose every line is broadcast to the group, and the group. */
    private Server server(String id) {
        RedisGroup group = RedisGroup.builder(redis.address(), "lines").instanceId(id)
                .decode(bytes -> new String(bytes, StandardCharsets.UTF_8)).start();
        open.add(group);
        await().atMost(Duration.ofSeconds(20)).until(() -> group.pubSub().isSubscribed() && group.pubSub().isPublishing());
        Server server = Server.builder().workers(1).pipeline(p -> p.add(new LineCodec(1024)).add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                group.add(ctx.connection());
                ctx.fireConnected();
            }

            @Override
            public void read(HandlerContext ctx, Object line) {
                group.broadcast((String) line);
            }
        })).start();
        open.add(server);
        return server;
    }

    private static BufferedReader reader(Socket s) {
        try {
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Socket connect(Server server) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()), 5000);
        s.setSoTimeout(10_000);
        open.add(s);
        return s;
    }

    private static void say(Socket s, String line) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private final java.util.Map<Socket, BufferedReader> readers = new java.util.HashMap<>();

    private List<String> lines(Socket s, int n) throws Exception {
        BufferedReader in = readers.computeIfAbsent(s, RedisGroupTest::reader);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(in.readLine());
        }
        return lines;
    }

    @Test
    void aLineReachesEveryMemberOfEveryInstanceOnce() throws Exception {
        Server one = server("one");
        Server two = server("two");
        Socket a = connect(one);
        Socket b = connect(two);
        Socket c = connect(two);
        await().atMost(Duration.ofSeconds(10)).until(() -> one.connectionCount() == 1 && two.connectionCount() == 2);
        say(a, "hello");
        assertEquals(List.of("hello"), lines(b, 1));
        say(c, "from c");
        assertEquals(List.of("from c"), lines(b, 1));
        say(c, "end");
        // Redis sent "hello" and "from c" to every instance before "end", so an echo delivered again (a duplicate)
        // would come before "end" on every member: each reads exactly the three lines, once each, in one order.
        assertEquals(List.of("hello", "from c", "end"), lines(a, 3));
        assertEquals(List.of("end"), lines(b, 1));
        assertEquals(List.of("hello", "from c", "end"), lines(c, 3));
        assertEquals(0, one.connectionCount() - 1, "no member was closed as slow");
    }
}
