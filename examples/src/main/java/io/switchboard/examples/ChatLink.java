package io.switchboard.examples;

import io.switchboard.redis.RedisPubSub;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Joins a chat room to the rooms of the other instances given the same Redis ({@code --redis}): every line the room
 * sends its members is published on the channel {@value #CHANNEL}, and every line the other instances publish is sent
 * to this room's members. What Redis pub/sub loses while an instance is cut from it is counted and logged by
 * {@link RedisPubSub}.
 */
final class ChatLink {
    /** The Redis channel of the chat. */
    static final String CHANNEL = "switchboard-chat";

    private ChatLink() {
    }

    /** Links {@code room} through the Redis server at {@code redis}, connecting (and reconnecting) in the background. */
    static RedisPubSub start(ChatRoom room, InetSocketAddress redis) {
        RedisPubSub pubSub = RedisPubSub.builder(redis, CHANNEL)
                .maxMessageBytes(4 * ChatServer.MAX_LINE)
                .onMessage(bytes -> room.remote(new String(bytes, StandardCharsets.UTF_8)))
                .start();
        room.relay(text -> pubSub.publish(text.getBytes(StandardCharsets.UTF_8)));
        return pubSub;
    }
}
