package io.switchboard.udp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Datagrams copied to wait for room in the socket's send buffer, each with its recipient, in the order written.
 * Holds nothing (not even its deque) while empty. The caller enforces the bounds. Loop thread only.
 */
final class SendQueue {
    /** One datagram waiting: its own copy of the bytes, and its recipient (null for a connected port's peer). */
    record Pending(ByteBuffer content, InetSocketAddress target) {
        int size() {
            return content.capacity();
        }
    }

    private ArrayDeque<Pending> entries;
    private long bytes;

    boolean isEmpty() {
        return entries == null;
    }

    int size() {
        return entries == null ? 0 : entries.size();
    }

    long bytes() {
        return bytes;
    }

    /** Copies the remaining bytes of {@code content}, moving its position to its limit. */
    void add(ByteBuffer content, InetSocketAddress target) {
        ByteBuffer copy = ByteBuffer.allocate(content.remaining());
        copy.put(content).flip();
        if (entries == null) {
            entries = new ArrayDeque<>();
        }
        entries.addLast(new Pending(copy, target));
        bytes += copy.capacity();
    }

    /** {@return the oldest datagram waiting, or null} */
    Pending peek() {
        return entries == null ? null : entries.peekFirst();
    }

    /** Forgets the oldest datagram waiting. */
    void poll() {
        Pending head = entries.pollFirst();
        bytes -= head.size();
        if (entries.isEmpty()) {
            entries = null;
        }
    }
}
