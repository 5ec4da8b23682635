package io.switchboard.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A listener's PROXY protocol (HAProxy's {@code proxy-protocol.txt}, v1 and v2): which proxies it trusts, how long it
 * waits for their header, how large a header it takes, and what it counted. Give it to
 * {@link io.switchboard.server.Server.Builder#proxyProtocol}, which puts a {@link ProxyProtocolHandler} first in every
 * pipeline (before TLS: the header comes before the ClientHello).
 *
 * <pre>{@code
 * ProxyProtocol proxy = ProxyProtocol.builder().trust("10.0.0.0/8").build();
 * Server.builder().port(8080).proxyProtocol(proxy).pipeline(new HttpService(config, routes)).start();
 * }</pre>
 *
 * <p>As the specification requires, a listener configured for the protocol requires the header on every connection
 * and never guesses whether one is there: it would let any client that reaches the port claim any address. Only the
 * trusted ranges may send it; a connection from anywhere else is closed at once and counted. There is no default
 * range: {@link Builder#build()} refuses an empty list (Helidon requires one too; Netty and Vert.x leave the check to
 * the user, and their users ask for it afterwards). Trust {@code 0.0.0.0/0} and {@code ::/0} explicitly to accept
 * every source, when a firewall already keeps everyone but the proxies out.
 *
 * <p>Immutable and thread-safe; share one per process so that its {@link #counters()} count the whole process.
 */
public final class ProxyProtocol {
    /** How long a connection has to send its whole header by default: 3 s, the spec's minimum (a TCP retransmit). */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(3);
    /**
     * The default bound on a v2 header's fields after its addresses: 2,048 bytes. HAProxy's own (ALPN, authority,
     * unique id, SSL with version, cipher, CN and algorithms) stay within a few hundred.
     */
    public static final int DEFAULT_MAX_TLV_BYTES = 2048;
    /**
     * The largest bound on a v2 header's fields: 16,000 bytes, so that a header waiting for its end (at most 16 + 216
     * + this) stays below {@link io.switchboard.pipeline.MemoryBudget#UNCOUNTED}, the size below which the framework
     * does not count what a connection holds.
     */
    public static final int MAX_TLV_BYTES = 16_000;

    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final List<NetworkRange> trusted;
    private final Duration headerTimeout;
    private final int maxTlvBytes;
    private final ProxyCounters counters = new ProxyCounters();
    /** When the last warning was logged (System.nanoTime), for the once-a-minute rate limit. */
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

    private ProxyProtocol(Builder b) {
        this.trusted = List.copyOf(b.trusted);
        this.headerTimeout = b.headerTimeout;
        this.maxTlvBytes = b.maxTlvBytes;
    }

    /** {@return a builder: no trusted range yet, 3 s header timeout, 2,048 bytes of v2 fields} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the ranges a proxy may connect from} */
    public List<NetworkRange> trusted() {
        return trusted;
    }

    /** {@return how long a connection has, from when it is opened, to send its whole header} */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** {@return the most bytes of v2 fields after the addresses a header may carry} */
    public int maxTlvBytes() {
        return maxTlvBytes;
    }

    /** {@return what this protocol's stages counted, across every connection made with it} */
    public ProxyCounters counters() {
        return counters;
    }

    /**
     * Whether a connection from {@code address} may send a header.
     *
     * @param address the socket's peer (the proxy, if it is one)
     * @return true when it is an IP address in one of the trusted ranges
     */
    public boolean isTrusted(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        for (NetworkRange range : trusted) {
            if (range.contains(inet.getAddress())) {
                return true;
            }
        }
        return false;
    }

    /** {@return a new stage for one connection: put it first in the pipeline} */
    public ProxyProtocolHandler newHandler() {
        return new ProxyProtocolHandler(this);
    }

    /** Logs at warn at most once a minute across the process's connections, at debug otherwise. Thread-safe. */
    void warn(Logger log, String message, Object... args) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn(message + " (" + counters + "; logged at most once a minute)", args);
        } else {
            log.debug(message, args);
        }
    }

    @Override
    public String toString() {
        return "ProxyProtocol[trusted=" + trusted + ", headerTimeout=" + headerTimeout + ", maxTlvBytes=" + maxTlvBytes
                + "]";
    }

    /** Builds a {@link ProxyProtocol}. Not thread-safe. */
    public static final class Builder {
        private final List<NetworkRange> trusted = new ArrayList<>();
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private int maxTlvBytes = DEFAULT_MAX_TLV_BYTES;

        private Builder() {
        }

        /**
         * Trusts proxies connecting from a range of addresses. Call it once per range.
         *
         * @param cidr an address or a CIDR block: {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code fd00::/8}
         * @return this builder
         * @throws IllegalArgumentException when {@code cidr} is not a numeric address with an optional prefix length
         */
        public Builder trust(String cidr) {
            return trust(NetworkRange.parse(cidr));
        }

        /**
         * Trusts proxies connecting from {@code range}.
         *
         * @param range the range
         * @return this builder
         */
        public Builder trust(NetworkRange range) {
            trusted.add(java.util.Objects.requireNonNull(range, "range"));
            return this;
        }

        /**
         * How long a connection has to send its whole header (default {@link #DEFAULT_HEADER_TIMEOUT}), on the loop's
         * timers; past it the connection is closed and counted.
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is not positive
         */
        public Builder headerTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("headerTimeout must be positive, got " + timeout);
            }
            this.headerTimeout = timeout;
            return this;
        }

        /**
         * The most bytes of v2 fields (TLVs) after the addresses (default {@link #DEFAULT_MAX_TLV_BYTES}); a header
         * announcing more is refused when its length arrives, and counted as oversized.
         *
         * @param bytes 0 to {@link #MAX_TLV_BYTES}
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is out of range
         */
        public Builder maxTlvBytes(int bytes) {
            if (bytes < 0 || bytes > MAX_TLV_BYTES) {
                throw new IllegalArgumentException("maxTlvBytes must be 0 to " + MAX_TLV_BYTES + ", got " + bytes);
            }
            this.maxTlvBytes = bytes;
            return this;
        }

        /**
         * {@return the protocol}
         *
         * @throws IllegalStateException when no range is trusted: name the proxies (or {@code 0.0.0.0/0} and
         *                               {@code ::/0} for any source, deliberately)
         */
        public ProxyProtocol build() {
            if (trusted.isEmpty()) {
                throw new IllegalStateException("the PROXY protocol needs the addresses of the proxies it trusts:"
                        + " call trust(\"10.0.0.0/8\") (or trust(\"0.0.0.0/0\") to trust every source, deliberately)");
            }
            return new ProxyProtocol(this);
        }
    }
}
