package io.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The UDP echo load generator: {@code connections} connected datagram sockets on one selector and one thread, each
 * with one verified datagram in flight: it sends, waits for the echo, checks every byte, records the round trip, and
 * sends the next. A datagram not answered within a second is counted as an error (lost) and replaced. Prints what
 * {@link EchoLoad} prints (progress lines, {@code # measure start} and {@code # measure end}, a {@code result:} line
 * and the round-trip percentiles), so the side-by-side runner reads both the same way. Not thread-safe: one run per
 * instance.
 */
final class UdpLoad {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long LOST_AFTER = SECOND;

    private final EchoLoadConfig config;
    private final PrintStream out;
    private final EchoStats stats = new EchoStats();

    UdpLoad(EchoLoadConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** One socket and its datagram in flight: sequence number (8 bytes), then a pattern of its own. */
    private final class Peer {
        final DatagramChannel channel;
        final ByteBuffer sent;
        final ByteBuffer received;
        long sequence;
        long sentNanos;

        Peer(DatagramChannel channel, int size, int id) {
            this.channel = channel;
            this.sent = ByteBuffer.allocateDirect(size);
            this.received = ByteBuffer.allocateDirect(size + 1);
            for (int i = 8; i < size; i++) {
                sent.put(i, (byte) (id * 31 + i));
            }
        }

        void send() throws IOException {
            sequence++;
            if (sent.capacity() >= 8) {
                sent.putLong(0, sequence);
            }
            sentNanos = System.nanoTime();
            sent.clear();
            if (channel.write(sent) == 0 && sent.capacity() > 0) {
                stats.error("the socket's send buffer was full");
            }
        }

        void receive() throws IOException {
            while (true) {
                received.clear();
                int n;
                try {
                    n = channel.read(received);
                } catch (java.net.PortUnreachableException e) {
                    stats.error("port unreachable: nothing listens on " + config.host() + ":" + config.port());
                    return;
                }
                if (n <= 0) {
                    return;
                }
                long now = System.nanoTime();
                received.flip();
                if (n != sent.capacity() || (n >= 8 && received.getLong(0) != sequence)) {
                    continue; // the late echo of a datagram already counted as lost
                }
                if (received.compareTo(sent.clear()) != 0) {
                    stats.error("an echoed datagram differed from the one sent");
                }
                stats.echoed(n, now - sentNanos);
                send();
            }
        }
    }

    /** Runs the load to its end and returns what it measured. */
    EchoLoadResult run() throws IOException {
        out.printf(Locale.ROOT, "udp-load: %d sockets to %s:%d, %d-byte datagrams, warmup %.1f s, measuring %.1f s%n",
                config.connections(), config.host(), config.port(), config.size(),
                config.warmup().toNanos() / 1e9, config.duration().toNanos() / 1e9);
        out.flush();
        InetSocketAddress server = new InetSocketAddress(config.host(), config.port());
        List<Peer> peers = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < config.connections(); i++) {
                DatagramChannel channel = DatagramChannel.open();
                channel.connect(server);
                channel.configureBlocking(false);
                Peer peer = new Peer(channel, config.size(), i);
                channel.register(selector, SelectionKey.OP_READ, peer);
                peers.add(peer);
            }
            for (Peer peer : peers) {
                peer.send();
            }
            long started = System.nanoTime();
            while (stats.snapshot().messages() == 0) {
                if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(30)) {
                    stats.error("no echo within 30 s");
                    return new EchoLoadResult(0, 0, 0, stats.errors(), stats.firstError());
                }
                pump(selector, peers, 100);
            }
            return drive(selector, peers);
        } finally {
            for (Peer peer : peers) {
                peer.channel.close();
            }
        }
    }

    private EchoLoadResult drive(Selector selector, List<Peer> peers) throws IOException {
        EchoStats.Snapshot begin = stats.snapshot();
        long warmupEnd = begin.nanos() + config.warmup().toNanos();
        long end = warmupEnd + config.duration().toNanos();
        EchoStats.Snapshot windowStart = null;
        EchoStats.Snapshot last = begin;
        long nextTick = begin.nanos() + SECOND;
        while (true) {
            long now = System.nanoTime();
            if (windowStart == null && now >= warmupEnd) {
                windowStart = stats.snapshot();
                stats.roundTripsSinceLastCall();
                mark(EchoLoad.MEASURE_START);
            }
            if (windowStart != null && now >= end) {
                EchoStats.Snapshot windowEnd = stats.snapshot();
                Histogram roundTrips = stats.roundTripsSinceLastCall();
                mark(EchoLoad.MEASURE_END);
                return report(windowStart, windowEnd, roundTrips);
            }
            if (now >= nextTick) {
                EchoStats.Snapshot current = stats.snapshot();
                double seconds = (current.nanos() - last.nanos()) / 1e9;
                out.printf(Locale.ROOT, "%-7s %4.0f s  %,12.0f msgs/s  errors %d%n", last.nanos() < warmupEnd ? "warmup"
                        : "measure", (current.nanos() - begin.nanos()) / 1e9,
                        (current.messages() - last.messages()) / seconds, stats.errors());
                out.flush();
                last = current;
                nextTick += SECOND;
                replaceLost(peers, now);
            }
            long edge = Math.min(nextTick, windowStart == null ? warmupEnd : end);
            pump(selector, peers, Math.max(1, TimeUnit.NANOSECONDS.toMillis(edge - System.nanoTime())));
        }
    }

    private void pump(Selector selector, List<Peer> peers, long millis) throws IOException {
        selector.select(key -> {
            try {
                ((Peer) key.attachment()).receive();
            } catch (IOException e) {
                stats.error(e.toString());
            }
        }, millis);
    }

    /** A datagram unanswered for a second was lost (UDP may drop anywhere): count it and send another. */
    private void replaceLost(List<Peer> peers, long now) throws IOException {
        for (Peer peer : peers) {
            if (now - peer.sentNanos > LOST_AFTER) {
                stats.error("a datagram was not answered within 1 s");
                peer.send();
            }
        }
    }

    private void mark(String marker) {
        out.println(marker);
        out.flush();
    }

    private EchoLoadResult report(EchoStats.Snapshot start, EchoStats.Snapshot end, Histogram roundTrips) {
        EchoLoadResult result = new EchoLoadResult(end.messages() - start.messages(), end.bytes() - start.bytes(),
                (end.nanos() - start.nanos()) / 1e9, stats.errors(), stats.firstError());
        out.println(result.resultLine());
        out.printf(Locale.ROOT, "%,.0f msgs/s  errors %d  (%,d datagrams in %.2f s)%n",
                result.messagesPerSecond(), result.errors(), result.messages(), result.seconds());
        if (roundTrips.getTotalCount() > 0) {
            out.printf(Locale.ROOT, "round trip µs: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                    roundTrips.getValueAtPercentile(50) / 1e3, roundTrips.getValueAtPercentile(99) / 1e3,
                    roundTrips.getValueAtPercentile(99.9) / 1e3, roundTrips.getMaxValue() / 1e3);
        }
        if (result.firstError() != null) {
            out.println("first error: " + result.firstError());
        }
        out.flush();
        return result;
    }
}
