package io.switchboard.redis;

import io.switchboard.lifecycle.Backoff;
import io.switchboard.lifecycle.ConnectionGroup;
import io.switchboard.lifecycle.SlowReceivers;
import io.switchboard.loop.LoopGroup;
import io.switchboard.pipeline.Connection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link ConnectionGroup} that spans the instances of a server: {@link #broadcast} writes a message to this
 * instance's members and publishes it on a Redis channel, and what the other instances publish there is written to this
 * instance's members. So each message reaches the members of every instance once: Redis sends an instance its own
 * message back, and {@link RedisPubSub} drops that echo.
 *
 * <pre>{@code
 * RedisGroup room = RedisGroup.builder(new InetSocketAddress("10.0.0.5", 6379), "room")
 *         .decode(bytes -> new String(bytes, StandardCharsets.UTF_8)) // members have a LineCodec
 *         .start();
 * // in a handler: room.add(ctx.connection()); ... room.broadcast("hello");
 * }</pre>
 *
 * <p>What a member is written is the message as the pipeline's last handler takes it: the bytes from Redis go through
 * {@link Builder#decode} first (by default they stay a {@code byte[]}). Messages one thread broadcasts reach the
 * members of the other instances in that order; messages from other instances are written from the subscribing
 * connection's loop. What Redis pub/sub loses while an instance is cut from it, and what is counted, is said on
 * {@link RedisPubSub}. Thread-safe.
 */
public final class RedisGroup implements AutoCloseable {
    private final ConnectionGroup members;
    private final RedisPubSub pubSub;
    private final Function<byte[], Object> decode;

    private RedisGroup(Builder b) {
        this.members = new ConnectionGroup(b.slowReceivers);
        this.decode = b.decode;
        this.pubSub = b.pubSub.onMessage(bytes -> members.broadcast(decode.apply(bytes))).start();
    }

    /**
     * A builder for a group over the channel {@code channel} of the Redis server at {@code address}.
     *
     * @param address the Redis server
     * @param channel the channel the group's instances share
     * @return the builder
     */
    public static Builder builder(InetSocketAddress address, String channel) {
        return new Builder(RedisPubSub.builder(address, channel));
    }

    /**
     * Adds one of this instance's connections; it leaves by itself when it closes.
     *
     * @param connection the connection
     * @return true when added; false when it was a member already or is closed
     */
    public boolean add(Connection connection) {
        return members.add(connection);
    }

    /**
     * Removes a connection without closing it.
     *
     * @param connection the connection
     * @return true when it was a member
     */
    public boolean remove(Connection connection) {
        return members.remove(connection);
    }

    /** {@return the number of this instance's members} */
    public int size() {
        return members.size();
    }

    /**
     * Writes {@code message} to this instance's members (as {@link ConnectionGroup#broadcast(Object)} does, after
     * {@link Builder#decode}) and publishes it to the other instances.
     *
     * @param message the message's bytes
     * @return the number of this instance's members it was written to
     */
    public int broadcast(byte[] message) {
        int written = members.broadcast(decode.apply(message));
        pubSub.publish(message);
        return written;
    }

    /**
     * {@link #broadcast(byte[])} of {@code message} in UTF-8.
     *
     * @param message the text
     * @return the number of this instance's members it was written to
     */
    public int broadcast(String message) {
        return broadcast(message.getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the channel under the group: its state and what it counted} */
    public RedisPubSub pubSub() {
        return pubSub;
    }

    /** Stops the Redis connections; the members stay open. */
    @Override
    public void close() {
        pubSub.close();
    }

    /** Builds a {@link RedisGroup}. Not thread-safe. */
    public static final class Builder {
        private final RedisPubSub.Builder pubSub;
        private SlowReceivers slowReceivers = SlowReceivers.CLOSE;
        private Function<byte[], Object> decode = bytes -> bytes;

        private Builder(RedisPubSub.Builder pubSub) {
            this.pubSub = pubSub;
        }

        /**
         * Turns the bytes of a message into what the members' pipelines write (default: the bytes as they are).
         *
         * @param decode from the message's bytes to the object written to each member
         * @return this builder
         */
        public Builder decode(Function<byte[], Object> decode) {
            this.decode = Objects.requireNonNull(decode, "decode");
            return this;
        }

        /**
         * What a broadcast does with a member whose peer does not keep up (default {@link SlowReceivers#CLOSE}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder slowReceivers(SlowReceivers policy) {
            this.slowReceivers = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * This instance's id ({@link RedisPubSub.Builder#instanceId}).
         *
         * @param id 1 to 16 characters from {@code [0-9A-Za-z_-]}
         * @return this builder
         */
        public Builder instanceId(String id) {
            pubSub.instanceId(id);
            return this;
        }

        /**
         * The delays between reconnects to Redis ({@link RedisPubSub.Builder#backoff}).
         *
         * @param backoff the delays
         * @return this builder
         */
        public Builder backoff(Backoff backoff) {
            pubSub.backoff(backoff);
            return this;
        }

        /**
         * Runs the Redis connections on existing loops ({@link RedisPubSub.Builder#loops}).
         *
         * @param loops the loops
         * @return this builder
         */
        public Builder loops(LoopGroup loops) {
            pubSub.loops(loops);
            return this;
        }

        /** {@return the group, connecting to Redis in the background} */
        public RedisGroup start() {
            return new RedisGroup(this);
        }
    }
}
