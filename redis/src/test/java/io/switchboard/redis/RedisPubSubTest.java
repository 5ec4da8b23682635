package io.switchboard.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one channel of a real redis-server: every message reaches the other instance once and in order,
 * no instance gets its own back, and what a Redis restart or a lost subscription costs is counted.
 */
class RedisPubSubTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private RedisProcess redis;
    private final List<RedisPubSub> instances = new ArrayList<>();

    /** An instance and the messages its listener got. */
    private record Instance(RedisPubSub pubSub, List<String> got) {
    }

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() throws Exception {
        instances.forEach(RedisPubSub::close);
        redis.close();
    }

    private Instance instance(String id) {
        List<String> got = new CopyOnWriteArrayList<>();
        RedisPubSub pubSub = RedisPubSub.builder(redis.address(), "room").instanceId(id)
                .onMessage(bytes -> got.add(new String(bytes, StandardCharsets.UTF_8))).start();
        instances.add(pubSub);
        return new Instance(pubSub, got);
    }

    private static void awaitUp(Instance... all) {
        await().atMost(WAIT).until(() -> List.of(all).stream().allMatch(i -> i.pubSub.isSubscribed() && i.pubSub.isPublishing()));
    }

    private static List<String> range(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void everyMessageReachesTheOtherInstanceOnceInOrderWithoutItsOwnEcho() {
        Instance a = instance("a");
        Instance b = instance("b");
        awaitUp(a, b);
        range("a", 0, 200).forEach(m -> assertTrue(a.pubSub.publish(m.getBytes(StandardCharsets.UTF_8))));
        range("b", 0, 200).forEach(m -> assertTrue(b.pubSub.publish(m.getBytes(StandardCharsets.UTF_8))));
        await().atMost(WAIT).until(() -> a.got.size() >= 200 && b.got.size() >= 200
                && a.pubSub.stats().echoes() == 200 && b.pubSub.stats().echoes() == 200);
        assertEquals(range("a", 0, 200), b.got, "b got a's 200 messages once each, in a's order");
        assertEquals(range("b", 0, 200), a.got, "a got b's, and none of its own (200 echoes dropped)");
        assertEquals(0, a.pubSub.stats().missed() + b.pubSub.stats().missed());
        assertEquals(200, a.pubSub.stats().published());
    }

    @Test
    void aRedisRestartIsSurvivedAndWhatCouldNotBePublishedIsCounted() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        awaitUp(a, b);
        a.pubSub.publish("before".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> b.got.contains("before"));

        redis.kill();
        await().atMost(WAIT).until(() -> !a.pubSub.isPublishing() && !b.pubSub.isSubscribed());
        for (String m : List.of("lost1", "lost2", "lost3")) {
            assertFalse(a.pubSub.publish(m.getBytes(StandardCharsets.UTF_8)), "no connection to Redis: dropped");
        }
        assertEquals(3, a.pubSub.stats().dropped(), "the three messages published while Redis was down are counted");

        redis.restart();
        awaitUp(a, b); // both reconnected with backoff, b subscribed again
        a.pubSub.publish("after".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> b.got.contains("after"));
        assertEquals(List.of("before", "after"), b.got);
        assertEquals(0, b.pubSub.stats().missed(), "dropped messages took no sequence number: no gap at b");
        assertEquals(2, b.pubSub.stats().subscriptions());
    }

    @Test
    void messagesPublishedWhileASubscriptionWasDownAreCountedFromTheGap() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        awaitUp(a, b);
        a.pubSub.publish("m1".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> b.got.contains("m1"));

        redis.cli("CLIENT", "KILL", "TYPE", "pubsub"); // the subscriptions drop; the publishing connections stay
        for (int i = 2; i <= 6; i++) {
            a.pubSub.publish(("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(WAIT).until(() -> b.pubSub.stats().subscriptions() == 2 && b.pubSub.isSubscribed());
        a.pubSub.publish("m7".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> b.got.contains("m7"));
        // However fast b subscribed again, each of a's seven messages either arrived or was counted as missed.
        assertEquals(7, b.got.size() + b.pubSub.stats().missed(), b.got + " and " + b.pubSub.stats());
        assertEquals(b.got.stream().sorted((x, y) -> Integer.compare(Integer.parseInt(x.substring(1)),
                Integer.parseInt(y.substring(1)))).toList(), b.got, "in a's order");
    }

    @Test
    void aSendersGapIsCountedOnTheWayThroughRedis() throws Exception {
        Instance b = instance("b");
        awaitUp(b);
        // Another instance's messages 1 and 5 arrive; 2, 3 and 4 were lost on the way.
        redis.cli("PUBLISH", "room", "sb1 far 1\nhello");
        redis.cli("PUBLISH", "room", "sb1 far 5\nagain");
        redis.cli("PUBLISH", "room", "typed by hand");
        await().atMost(WAIT).until(() -> b.got.size() == 3);
        assertEquals(List.of("hello", "again", "typed by hand"), b.got);
        assertEquals(3, b.pubSub.stats().missed());
        assertEquals(1, b.pubSub.stats().unframed(), "a message without the envelope is delivered as it is");
    }

    @Test
    void authenticatesWhenRedisAsksForAPassword() throws Exception {
        redis.close();
        redis = RedisProcess.start("s3cret");
        List<String> got = new CopyOnWriteArrayList<>();
        RedisPubSub a = RedisPubSub.builder(redis.address(), "room").password("s3cret").start();
        RedisPubSub b = RedisPubSub.builder(redis.address(), "room").password("s3cret")
                .onMessage(bytes -> got.add(new String(bytes, StandardCharsets.UTF_8))).start();
        RedisPubSub wrong = RedisPubSub.builder(redis.address(), "room").password("guess").start();
        instances.addAll(List.of(a, b, wrong));
        await().atMost(WAIT).until(() -> a.isPublishing() && b.isSubscribed());
        a.publish("hello".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> got.contains("hello"));
        await().atMost(WAIT).until(() -> wrong.stats().errors() >= 2);
        assertFalse(wrong.isSubscribed(), "a wrong password is refused (and tried again with backoff)");
    }
}
