package io.switchboard.redis;

import io.switchboard.lifecycle.Backoff;
import io.switchboard.lifecycle.IdleDetector;
import io.switchboard.lifecycle.IdleEvent;
import io.switchboard.lifecycle.Reconnector;
import io.switchboard.loop.LoopGroup;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.Pipeline;
import io.switchboard.server.Client;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis pub/sub channel shared by several instances of a server: {@link #publish} sends a message to the other
 * instances, and the listener gets theirs. Built on the framework's own {@link Client}: two connections to Redis
 * (RESP2 cannot publish on a subscribed connection), each kept open by a {@link Reconnector} with {@link Backoff},
 * each pinging Redis after {@link Builder#pingInterval} of silence and reconnecting when three intervals pass without a
 * byte from it (a dead path that never sent a FIN).
 *
 * <p><b>Envelope.</b> Each message goes out as {@code sb1 INSTANCE SEQ\n} followed by its bytes: the instance's random
 * id and a sequence number that grows by one per message handed to Redis. The listener gets only the bytes. A message
 * carrying this instance's own id (Redis sends a subscriber what it published itself) is dropped: no instance sees
 * its own echo. A message without the envelope (a {@code PUBLISH} typed into {@code redis-cli}) is delivered as it is
 * and counted ({@link Stats#unframed()}).
 *
 * <p><b>What pub/sub loses, and what is counted.</b> Redis pub/sub is fire-and-forget: a message reaches the
 * subscribers connected at that moment, and no one else, ever. So:
 * <ul>
 *   <li>while this instance's publishing connection is down (Redis restarting, a network cut), {@link #publish} drops
 *       the message and counts it ({@link Stats#dropped()}); so it does when more than the connection's high
 *       watermark (1 MiB) already waits for Redis, rather than queue without a bound;</li>
 *   <li>while this instance's subscription is down, what the others publish is lost to it; it learns how much when
 *       the next message of each sender arrives with a sequence number past the one expected, and counts the gap
 *       ({@link Stats#missed()}). A sender that publishes nothing more, or that this instance had never heard from,
 *       leaves its losses uncounted: pub/sub gives no way to know them;</li>
 *   <li>a message written to a connection that then breaks may or may not have reached Redis: if not, the receivers
 *       count it as a gap.</li>
 * </ul>
 * An application that must lose nothing across a reconnect needs a log, not a channel: Redis Streams ({@code XADD}
 * with a bounded {@code MAXLEN}, each instance reading with {@code XREAD} from the last id it saw), which this class
 * does not implement (docs/scale-out.md).
 *
 * <p><b>Order.</b> Messages one thread publishes reach every other instance's listener in that order (one connection
 * to Redis, which keeps it); the listener runs on the subscribing connection's loop, one message at a time.
 *
 * <p>Thread-safe. Log lines: one at info when each connection is up, one at warn when it is lost; reconnect attempts
 * themselves log at debug, so an outage does not flood the log.
 */
public final class RedisPubSub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisPubSub.class);
    /** The publishing connection's queue: above 1 MiB waiting for Redis, messages are dropped and counted. */
    private static final long GAP_WARNING_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    private static final ConnectionConfig PUBLISHER = ConnectionConfig.DEFAULTS.withWatermarks(256 * 1024, 1024 * 1024);

    private final InetSocketAddress address;
    private final String channel;
    private final String instanceId;
    private final byte[] prefix;
    private final Consumer<byte[]> listener;
    private final Duration pingInterval;
    private final int maxMessageBytes;
    private final String password;
    private final Client client;
    private final Reconnector subscriber;
    private final Reconnector publisher;
    private final Senders senders = new Senders();
    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder missed = new LongAdder();
    private final LongAdder echoes = new LongAdder();
    private final LongAdder unframed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder subscriptions = new LongAdder();
    private volatile boolean subscribed;
    private volatile boolean everSubscribed;
    private volatile boolean publishing;
    private volatile boolean closed;
    /** When a gap was last logged at warn (System.nanoTime); the subscribing connection's loop only. */
    private long lastGapWarning = System.nanoTime() - GAP_WARNING_NANOS;
    /** The sequence number of the last message handed to Redis; guarded by this. */
    private long sequence;

    /**
     * What this instance counted since it started. Every count only grows.
     *
     * @param published messages handed to Redis
     * @param dropped   messages not handed to Redis: the publishing connection was down, or over its watermark
     * @param received  messages from other instances delivered to the listener (unframed ones included)
     * @param missed    messages from other instances that never arrived, known by the gaps in their sequence numbers
     * @param echoes    this instance's own messages that Redis sent back, dropped
     * @param unframed  messages without the envelope (from other tools), delivered as they are
     * @param errors    error replies from Redis
     * @param subscriptions subscriptions Redis confirmed: 1 after the first, one more after each reconnect
     */
    public record Stats(long published, long dropped, long received, long missed, long echoes, long unframed,
                        long errors, long subscriptions) {
    }

    private RedisPubSub(Builder b) {
        this.address = b.address;
        this.channel = b.channel;
        this.instanceId = b.instanceId != null ? b.instanceId : randomId();
        this.prefix = Envelope.prefix(instanceId);
        this.listener = b.listener;
        this.pingInterval = b.pingInterval;
        this.maxMessageBytes = b.maxMessageBytes;
        this.password = b.password;
        Client.Builder clients = Client.builder().connectTimeout(Duration.ofSeconds(5)).connection(PUBLISHER);
        if (b.loops != null) {
            clients.loops(b.loops);
        }
        this.client = clients.build();
        this.subscriber = new Reconnector(client, () -> client.connect(address, false, this::subscriberPipeline),
                b.backoff, c -> { });
        this.publisher = new Reconnector(client, () -> client.connect(address, false, this::publisherPipeline),
                b.backoff, this::publisherUp);
    }

    /**
     * A builder for a channel on the Redis server at {@code address}.
     *
     * @param address the Redis server (resolved: the reconnects do not look the name up again)
     * @param channel the channel every instance publishes to and subscribes to
     * @return the builder
     */
    public static Builder builder(InetSocketAddress address, String channel) {
        return new Builder(address, channel);
    }

    /** {@return this instance's id, in the envelope of every message it publishes} */
    public String instanceId() {
        return instanceId;
    }

    /** {@return the channel} */
    public String channel() {
        return channel;
    }

    /** {@return true while the subscription is confirmed: messages the other instances publish now reach the listener} */
    public boolean isSubscribed() {
        return subscribed;
    }

    /** {@return true while the publishing connection is open: {@link #publish} hands messages to Redis} */
    public boolean isPublishing() {
        return publishing && publisher.connection() != null;
    }

    /** {@return what this instance counted so far} */
    public Stats stats() {
        return new Stats(published.sum(), dropped.sum(), received.sum(), missed.sum(), echoes.sum(), unframed.sum(),
                errors.sum(), subscriptions.sum());
    }

    /**
     * Publishes {@code message} to the other instances. Messages one thread publishes arrive in its order.
     * Thread-safe.
     *
     * @param message the bytes; not kept after the call
     * @return true when handed to Redis; false when dropped (and counted) because the publishing connection is
     *         down or more than its high watermark waits for Redis
     * @throws IllegalArgumentException when the message is longer than {@link Builder#maxMessageBytes}
     */
    public boolean publish(byte[] message) {
        if (message.length > maxMessageBytes) {
            throw new IllegalArgumentException("message of " + message.length + " bytes over the limit of "
                    + maxMessageBytes);
        }
        Connection c = publisher.connection();
        if (c == null || !c.isWritable() || closed) {
            dropped.increment();
            return false;
        }
        synchronized (this) {
            // One lock from the number to the write, so that numbers reach Redis in order whatever the threads. A
            // write from another thread is queued to the connection's loop; one made on that loop would go ahead of
            // those queued, so it is queued behind them.
            List<Object> command = List.of("PUBLISH", channel, Envelope.wrap(prefix, ++sequence, message));
            if (c.loop().inLoop()) {
                c.loop().execute(() -> c.write(command));
            } else {
                c.write(command);
            }
        }
        published.increment();
        return true;
    }

    /** Stops reconnecting and closes both connections and the client's loop (if it made one). */
    @Override
    public void close() {
        closed = true;
        subscriber.close();
        publisher.close();
        try {
            client.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RedisPubSub[" + channel + " on " + address + ", instance " + instanceId + "]";
    }

    // Pipelines.

    private void subscriberPipeline(Pipeline p) {
        p.add(new RespClientCodec(maxMessageBytes + Envelope.MAX_LINE, 16))
                .add(new IdleDetector(pingInterval.multipliedBy(3), pingInterval, Duration.ZERO))
                .add(new Subscriber());
    }

    private void publisherPipeline(Pipeline p) {
        p.add(new RespClientCodec(64 * 1024, 16))
                .add(new IdleDetector(pingInterval.multipliedBy(3), pingInterval, Duration.ZERO))
                .add(new Publisher());
    }

    private void publisherUp(Connection c) {
        publishing = true;
        log.info("redis: publishing to '{}' on {} ({} messages dropped so far while Redis was unreachable)", channel,
                address, dropped.sum());
    }

    // The subscription.

    /** A pub/sub push on the subscribing connection, on its loop. */
    private void pushed(List<?> push) {
        if (push.size() == 3 && "message".equals(text(push.get(0))) && push.get(2) instanceof byte[] bytes) {
            delivered(bytes);
        } else if (push.size() == 3 && "subscribe".equals(text(push.get(0)))) {
            subscribed = true;
            subscriptions.increment();
            boolean again = everSubscribed;
            everSubscribed = true;
            log.info("redis: {} to '{}' on {} as instance {} ({} messages from other instances missed so far)",
                    again ? "subscribed again" : "subscribed", channel, address, instanceId, missed.sum());
        }
        // ["pong", ""]: the answer to our ping; the read alone kept the connection alive.
    }

    private void delivered(byte[] message) {
        Envelope envelope = Envelope.unwrap(message);
        if (envelope == null) {
            unframed.increment();
            received.increment();
            listener.accept(message);
            return;
        }
        if (envelope.sender().equals(instanceId)) {
            echoes.increment();
            return;
        }
        long gap = senders.gap(envelope.sender(), envelope.seq());
        if (gap > 0) {
            missed.add(gap);
            long now = System.nanoTime();
            boolean warn = now - lastGapWarning >= GAP_WARNING_NANOS;
            if (warn) {
                lastGapWarning = now;
            }
            String text = "redis: {} messages from instance {} never arrived (sequence {} after {}): lost while this"
                    + " instance was not subscribed ({} missed in all; logged at warn at most once a minute)";
            Object[] args = {gap, envelope.sender(), envelope.seq(), envelope.seq() - gap - 1, missed.sum()};
            if (warn) {
                log.warn(text, args);
            } else {
                log.debug(text, args);
            }
        }
        received.increment();
        listener.accept(envelope.body());
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null;
    }

    private static String randomId() {
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /**
     * Authenticates first (before anyone else can write on the connection), pings Redis when the connection was
     * silent for the ping interval, closes it when Redis was, three times longer, or answered an error.
     */
    private abstract class RedisConnection implements Handler {
        @Override
        public void connected(HandlerContext ctx) {
            if (password != null) {
                ctx.write(List.of("AUTH", password));
            }
            ctx.fireConnected();
        }

        @Override
        public void userEvent(HandlerContext ctx, Object event) {
            if (event == IdleEvent.WRITE) {
                ctx.writeAndFlush(List.of("PING"));
            } else if (event == IdleEvent.READ) {
                log.warn("redis: nothing from {} for {}; reconnecting", address, pingInterval.multipliedBy(3));
                ctx.close();
            } else {
                ctx.fireUserEvent(event);
            }
        }

        @Override
        public void read(HandlerContext ctx, Object reply) {
            if (reply instanceof RedisError error) {
                errors.increment();
                log.warn("redis: {} answered {}; reconnecting", address, error.text());
                ctx.close();
            } else {
                replied(ctx, reply);
            }
        }

        abstract void replied(HandlerContext ctx, Object reply);
    }

    /** The subscribing connection's last handler. */
    private final class Subscriber extends RedisConnection {
        @Override
        public void connected(HandlerContext ctx) {
            super.connected(ctx);
            ctx.write(List.of("SUBSCRIBE", channel));
        }

        @Override
        void replied(HandlerContext ctx, Object reply) {
            if (reply instanceof List<?> push) {
                pushed(push);
            }
        }

        @Override
        public void closed(HandlerContext ctx) {
            if (subscribed && !closed) {
                log.warn("redis: lost the subscription to '{}' on {}; reconnecting (what other instances publish"
                        + " meanwhile is lost, and counted when their next message arrives)", channel, address);
            }
            subscribed = false;
            ctx.fireClosed();
        }
    }

    /** The publishing connection's last handler: Redis answers each PUBLISH with the number of receivers. */
    private final class Publisher extends RedisConnection {
        @Override
        void replied(HandlerContext ctx, Object reply) {
            // a Long per PUBLISH, "PONG" per ping: nothing to do
        }

        @Override
        public void closed(HandlerContext ctx) {
            if (publishing && !closed) {
                log.warn("redis: lost the publishing connection to {}; reconnecting (broadcasts to other instances are"
                        + " dropped and counted meanwhile)", address);
            }
            publishing = false;
            ctx.fireClosed();
        }
    }

    /** Builds a {@link RedisPubSub}. Not thread-safe. */
    public static final class Builder {
        private final InetSocketAddress address;
        private final String channel;
        private String instanceId;
        private Consumer<byte[]> listener = m -> { };
        private Backoff backoff = Backoff.DEFAULTS;
        private Duration pingInterval = Duration.ofSeconds(10);
        private int maxMessageBytes = 1024 * 1024;
        private LoopGroup loops;
        private String password;

        private Builder(InetSocketAddress address, String channel) {
            this.address = Objects.requireNonNull(address, "address");
            if (channel == null || channel.isEmpty()) {
                throw new IllegalArgumentException("channel must not be empty");
            }
            this.channel = channel;
        }

        /**
         * What to do with each message from another instance (default: nothing). Runs on the subscribing
         * connection's loop, one message at a time, in each sender's order: it must not block.
         *
         * @param listener takes the message's bytes (its own copy)
         * @return this builder
         */
        public Builder onMessage(Consumer<byte[]> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * This instance's id in the envelope (default: 16 random hex digits). Give each instance its own.
         *
         * @param id 1 to 16 characters from {@code [0-9A-Za-z_-]}
         * @return this builder
         * @throws IllegalArgumentException when {@code id} does not fit
         */
        public Builder instanceId(String id) {
            if (id == null || !id.matches("[0-9A-Za-z_-]{1,16}")) {
                throw new IllegalArgumentException("instance id must be 1 to 16 of [0-9A-Za-z_-], got " + id);
            }
            this.instanceId = id;
            return this;
        }

        /**
         * The delays between reconnect attempts (default {@link Backoff#DEFAULTS}: 100 ms doubling to 30 s, ±20 %).
         *
         * @param backoff the delays
         * @return this builder
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * How long a connection to Redis may be silent before it pings (default 10 s); three times as long without a
         * byte from Redis closes and reconnects it.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pingInterval must be positive");
            }
            this.pingInterval = interval;
            return this;
        }

        /**
         * The longest message (default 1 MiB): longer ones are refused by {@link #publish}, and a longer one from
         * Redis closes the subscribing connection.
         *
         * @param bytes positive
         * @return this builder
         */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxMessageBytes must be positive");
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * The password Redis asks for ({@code requirepass}): each connection sends {@code AUTH} first (default: none).
         *
         * @param password the password, or null for none
         * @return this builder
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * Runs the two connections on existing loops (a server's, say) instead of a loop of its own.
         *
         * @param loops the loops
         * @return this builder
         */
        public Builder loops(LoopGroup loops) {
            this.loops = loops;
            return this;
        }

        /** {@return the channel, connecting (and reconnecting) in the background} */
        public RedisPubSub start() {
            return new RedisPubSub(this);
        }
    }
}
