package io.switchboard.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last sequence number seen from each other instance, to count the messages that never arrived. Keeps the
 * {@value #MAX_SENDERS} senders heard from most recently (instances that restart come back under new ids, so old
 * ids would otherwise pile up). Loop thread only (the subscribing connection's).
 */
final class Senders {
    /** Senders remembered at most. */
    static final int MAX_SENDERS = 1024;

    private final Map<String, Long> last = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    /**
     * Records that {@code sender}'s message {@code seq} arrived.
     *
     * @return how many of its messages were skipped since the last one seen: 0 for the next in line, for the first
     *         message heard from it (what came before is unknown), and for one older than the last seen
     */
    long gap(String sender, long seq) {
        Long previous = last.get(sender);
        if (previous == null || seq > previous) {
            last.put(sender, seq);
        }
        return previous == null || seq <= previous ? 0 : seq - previous - 1;
    }
}
