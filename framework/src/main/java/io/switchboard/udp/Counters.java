package io.switchboard.udp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live counts behind {@link DatagramStats}. The loop writes them with plain (opaque) stores, with no atomic
 * operation or fence per datagram; any thread reads them. Writes from other threads that are dropped are counted
 * apart, atomically (they are rare). Loop thread only, except {@link #droppedFromOtherThread()} and
 * {@link #snapshot()}.
 */
final class Counters {
    static final int RECEIVED = 0;
    static final int RECEIVED_BYTES = 1;
    static final int OVERSIZED = 2;
    static final int SENT = 3;
    static final int SENT_BYTES = 4;
    static final int DROPPED = 5;
    static final int SEND_ERRORS = 6;
    static final int ERRORS = 7;
    static final int QUEUED = 8;
    static final int QUEUED_BYTES = 9;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots = new long[10];
    private final AtomicLong droppedFromOtherThreads = new AtomicLong();

    /** Adds {@code n} (possibly negative) to a slot. Loop thread only. */
    void add(int slot, long n) {
        SLOT.setOpaque(slots, slot, (long) SLOT.getOpaque(slots, slot) + n);
    }

    void droppedFromOtherThread() {
        droppedFromOtherThreads.incrementAndGet();
    }

    private long get(int slot) {
        return (long) SLOT.getOpaque(slots, slot);
    }

    DatagramStats snapshot() {
        return new DatagramStats(get(RECEIVED), get(RECEIVED_BYTES), get(OVERSIZED), get(SENT), get(SENT_BYTES),
                get(DROPPED) + droppedFromOtherThreads.get(), get(SEND_ERRORS), get(ERRORS), get(QUEUED),
                get(QUEUED_BYTES));
    }
}
