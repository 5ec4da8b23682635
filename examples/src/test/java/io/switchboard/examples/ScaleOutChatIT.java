package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.redis.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three chat instances behind Debian's HAProxy (TCP mode, round robin, {@code send-proxy-v2}, health checks), one room
 * through one real redis-server, six {@code chat-client}s: every line from a client on any instance reaches every
 * other client on every instance, each sender's lines in its order, under the client's own address; and when one
 * instance dies by SIGKILL its clients come back through HAProxy with chat-client's backoff and go on chatting.
 */
class ScaleOutChatIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> SERVERS = List.of("c0", "c1", "c2");

    private RedisProcess redis;
    private final List<ExampleProcess> instances = new ArrayList<>();
    private Haproxy haproxy;
    private int front;
    private final List<ChatPeer> peers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Tools.require("haproxy", "haproxy");
        redis = RedisProcess.start();
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < SERVERS.size(); i++) {
            ExampleProcess chat = ExampleProcess.start("chat", "--port", "0", "--http-port", "0", "--workers", "1",
                    "--proxy-protocol", "--redis", "127.0.0.1:" + redis.port());
            instances.add(chat);
            int port = chat.awaitListening();
            servers.append("    server ").append(SERVERS.get(i)).append(" 127.0.0.1:").append(port)
                    .append(" send-proxy-v2 check check-send-proxy inter 300ms fall 1 rise 1\n");
        }
        for (ExampleProcess chat : instances) {
            await().atMost(WAIT).until(() -> logged(chat, "subscribed to 'switchboard-chat'") == 1
                    && logged(chat, "publishing to 'switchboard-chat'") == 1);
        }
        front = Haproxy.freePort();
        haproxy = Haproxy.start(String.join("\n",
                "global",
                "    maxconn 256",
                "    stats socket STATS_SOCKET mode 600 level admin",
                "defaults",
                "    mode tcp",
                "    timeout connect 1s",
                "    timeout client 120s",
                "    timeout server 120s",
                "    retries 3",
                "    option redispatch 1",
                "frontend chat",
                "    bind 127.0.0.1:" + front,
                "    default_backend chat",
                "backend chat",
                "    balance roundrobin",
                servers.toString()));
        haproxy.awaitUp("chat", SERVERS);
    }

    @AfterEach
    void stop() throws Exception {
        for (ChatPeer peer : peers) {
            peer.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        instances.forEach(ExampleProcess::close);
        redis.close();
    }

    private static long logged(ExampleProcess process, String text) {
        return process.stderr.stream().filter(l -> l.contains(text)).count();
    }

    /** Six clients join one after the other: HAProxy's round robin puts two on each instance. */
    private void joinSix() throws Exception {
        for (int i = 0; i < 6; i++) {
            peers.add(ChatPeer.join(front));
        }
        for (ChatPeer peer : peers) {
            assertEquals(peer.localAddress(), peer.name(), "the room names each client by its own address (the PROXY"
                    + " header's), not HAProxy's");
        }
        for (String server : SERVERS) {
            assertTrue(haproxy.sessions("chat", server) >= 1, server + " has clients: " + haproxy.stats());
        }
    }

    /** Every client says {@code lines}, in turns; each client receives every other client's, in that client's order. */
    private void everyoneSays(List<String> lines) {
        for (String line : lines) {
            peers.forEach(p -> p.say(line));
        }
        await().atMost(WAIT).until(() -> {
            for (ChatPeer receiver : peers) {
                for (ChatPeer sender : peers) {
                    if (sender != receiver && !receiver.said(sender.name()).containsAll(lines)) {
                        return false;
                    }
                }
            }
            return true;
        });
        for (ChatPeer receiver : peers) {
            for (ChatPeer sender : peers) {
                if (sender != receiver) {
                    List<String> got = receiver.said(sender.name());
                    assertEquals(lines, got.subList(got.size() - lines.size(), got.size()),
                            "each line once, in the sender's order");
                }
            }
        }
    }

    @Test
    void everyLineReachesEveryClientOnEveryInstanceInEachSendersOrder() throws Exception {
        joinSix();
        // 6 clients x 3 lines: each client gets the 15 lines of the 5 others, wherever they are connected.
        everyoneSays(List.of("line 1", "line 2", "line 3"));
        for (ChatPeer receiver : peers) {
            for (ChatPeer sender : peers) {
                if (sender != receiver) {
                    assertEquals(List.of("line 1", "line 2", "line 3"), receiver.said(sender.name()),
                            "no line twice: the instances' own echoes through Redis are dropped");
                }
            }
        }
    }

    @Test
    void theClientsOfAKilledInstanceComeBackThroughHaproxyAndGoOnChatting() throws Exception {
        joinSix();
        everyoneSays(List.of("before"));
        int orphans = haproxy.sessions("chat", "c0");
        assertTrue(orphans >= 1);
        ExampleProcess victim = instances.get(0);
        victim.process.destroyForcibly(); // SIGKILL: no goodbye to its clients, to Redis or to HAProxy
        victim.process.waitFor();
        // Its clients see the close, reconnect with backoff through HAProxy (which sends them to the live instances)
        // and are welcomed again; the others stay where they were.
        await().atMost(WAIT).until(() -> peers.stream().filter(p -> p.welcomes() == 2).count() == orphans);
        assertEquals(6 - orphans, peers.stream().filter(p -> p.welcomes() == 1).count());
        for (ChatPeer peer : peers) {
            assertEquals(peer.localAddress(), peer.name(), "a client that moved is named by its new address");
        }
        assertEquals(0, haproxy.sessions("chat", "c0"));
        everyoneSays(List.of("after 1", "after 2"));
    }
}
