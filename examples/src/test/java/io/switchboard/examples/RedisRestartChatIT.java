package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.redis.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three chat instances on one real redis-server, which is killed and started again: the instances reconnect with
 * backoff, subscribe again and broadcasting resumes; the lines said while Redis was down stay on their instance, and
 * the instance counts them (its log says how many it could not publish).
 */
class RedisRestartChatIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RedisProcess redis;
    private final List<ExampleProcess> instances = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<ChatPeer> peers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisProcess.start();
        for (int i = 0; i < 3; i++) {
            ExampleProcess chat = ExampleProcess.start("chat", "--port", "0", "--http-port", "0", "--workers", "1",
                    "--redis", "127.0.0.1:" + redis.port());
            instances.add(chat);
            ports.add(chat.awaitListening());
        }
        for (ExampleProcess chat : instances) {
            await().atMost(WAIT).until(() -> logged(chat, "subscribed to 'switchboard-chat'") == 1
                    && logged(chat, "publishing to 'switchboard-chat'") == 1);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (ChatPeer peer : peers) {
            peer.close();
        }
        instances.forEach(ExampleProcess::close);
        redis.close();
    }

    private static long logged(ExampleProcess process, String text) {
        return process.stderr.stream().filter(l -> l.contains(text)).count();
    }

    private ChatPeer join(int instance) {
        ChatPeer peer = ChatPeer.join(ports.get(instance));
        peers.add(peer);
        return peer;
    }

    @Test
    void broadcastingResumesAfterARedisRestartAndWhatWasLostIsCounted() throws Exception {
        ChatPeer speaker = join(0);
        ChatPeer neighbour = join(0);
        ChatPeer far1 = join(1);
        ChatPeer far2 = join(2);
        speaker.say("before");
        await().atMost(WAIT).until(() -> far1.said(speaker.name()).contains("before")
                && far2.said(speaker.name()).contains("before"));

        redis.kill();
        for (ExampleProcess chat : instances) {
            await().atMost(WAIT).until(() -> logged(chat, "lost the publishing connection") == 1
                    && logged(chat, "lost the subscription") == 1);
        }
        speaker.say("during 1");
        speaker.say("during 2");
        // The speaker's own instance sends them to its members (and has tried to publish them) ...
        await().atMost(WAIT).until(() -> neighbour.said(speaker.name()).contains("during 2"));

        redis.restart();
        for (ExampleProcess chat : instances) {
            await().atMost(WAIT).until(() -> logged(chat, "subscribed again to 'switchboard-chat'") == 1
                    && logged(chat, "publishing to 'switchboard-chat'") == 2);
        }
        speaker.say("after");
        await().atMost(WAIT).until(() -> far1.said(speaker.name()).contains("after")
                && far2.said(speaker.name()).contains("after"));
        // ... but the other instances never got them: Redis pub/sub keeps nothing for a subscriber that is away.
        assertEquals(List.of("before", "after"), far1.said(speaker.name()));
        assertEquals(List.of("before", "after"), far2.said(speaker.name()));
        assertEquals(List.of("before", "during 1", "during 2", "after"), neighbour.said(speaker.name()));
        // The speaker's instance counted the two lines it could not publish, and says so when it reconnects.
        assertEquals(1, logged(instances.get(0), "(2 messages dropped so far while Redis was unreachable)"),
                String.join("\n", instances.get(0).stderr));
        assertEquals(2, logged(instances.get(1), "(0 messages dropped so far while Redis was unreachable)"));
    }
}
