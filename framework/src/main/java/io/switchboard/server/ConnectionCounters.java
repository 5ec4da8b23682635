package io.switchboard.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one server's connections on one loop counted: connections opened and closed, bytes read and written. The loop
 * writes them with plain (opaque) stores, no atomic operation or fence per read or write; any thread reads them, and
 * {@link ServerMetrics} adds the loops up. Loop thread only, except {@link #get}.
 */
final class ConnectionCounters {
    static final int OPENED = 0;
    static final int CLOSED = 1;
    static final int BYTES_IN = 2;
    static final int BYTES_OUT = 3;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots = new long[4];

    /** Adds {@code n} to a slot. Loop thread only. */
    void add(int slot, long n) {
        SLOT.setOpaque(slots, slot, (long) SLOT.getOpaque(slots, slot) + n);
    }

    /** {@return a slot's count, as last published} Thread-safe. */
    long get(int slot) {
        return (long) SLOT.getOpaque(slots, slot);
    }
}
