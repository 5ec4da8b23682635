package io.switchboard.http;

import io.switchboard.pipeline.MemoryBudget;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The request body bytes one connection holds: the body being read, whose array grows with the bytes that
 * arrive (never to the declared length up front), and the bodies of requests waiting for their answers.
 * Their sum counts against the {@link MemoryBudget}, reserved as arrays grow and given back as answers leave,
 * except for the first {@link #UNCOUNTED} bytes, so that small bodies cost the budget nothing. Loop thread
 * only; one per connection.
 */
final class BodyBuffer {
    /** The first array for a body of declared length, and the bytes a connection holds free of the budget. */
    static final int UNCOUNTED = 8 * 1024;
    private static final int FIRST_CHUNKED = 256;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final byte[] NO_BODY = new byte[0];

    private final MemoryBudget budget;
    private byte[] body;
    private int length;
    /** The declared length of the body being read, or -1 when it is chunked. */
    private long declared;
    /** The most bytes the body being read may have (its handler's limit). */
    private long limit;
    /** Bytes of bodies whose requests wait for their answers. */
    private long held;
    /** Bytes reserved from the budget: the sum of held bytes and the current array, or 0 while that is small. */
    private long counted;

    BodyBuffer(MemoryBudget budget) {
        this.budget = budget;
    }

    /**
     * A new body starts.
     *
     * @param declaredLength its {@code Content-Length}, or -1 when it is chunked
     * @param limit          the most bytes it may have, at most {@link BodyPolicy#MAX_WHOLE}
     */
    void start(long declaredLength, long limit) {
        body = null;
        length = 0;
        declared = declaredLength;
        this.limit = limit;
    }

    /**
     * Appends the bytes of {@code slice}, doubling the array as often as needed, up to the declared length
     * (or the limit when chunked); the parser never gives more than that.
     *
     * @return false, and nothing appended, when growing would take the budget past its limit
     */
    boolean append(ByteBuffer slice) {
        int n = slice.remaining();
        int need = length + n;
        if (body == null || body.length < need) {
            long cap = Math.min(declared >= 0 ? declared : limit, MAX_ARRAY);
            long grown = body != null ? body.length * 2L : declared >= 0 ? UNCOUNTED : FIRST_CHUNKED;
            while (grown < need) {
                grown *= 2;
            }
            int size = (int) Math.max(need, Math.min(cap, grown));
            if (!account(held + size)) {
                return false;
            }
            body = body == null ? new byte[size] : Arrays.copyOf(body, size);
        }
        slice.get(body, length, n);
        length = need;
        return true;
    }

    /** {@return the whole body, trimmed to its length} It is held until {@link #answered} gives it back. */
    byte[] finish() {
        byte[] bytes = body == null ? NO_BODY : length == body.length ? body : Arrays.copyOf(body, length);
        body = null;
        length = 0;
        held += bytes.length;
        account(held);
        return bytes;
    }

    /** The body being read is dropped (its request was refused, or the peer left). */
    void drop() {
        body = null;
        length = 0;
        account(held);
    }

    /**
     * A request's answer left: its body no longer counts.
     *
     * @param bytes the length of its body
     */
    void answered(int bytes) {
        held -= bytes;
        account(held + (body == null ? 0 : body.length));
    }

    /** The connection closed: everything is given back. */
    void release() {
        body = null;
        length = 0;
        held = 0;
        account(0);
    }

    /** {@return bytes of bodies whose requests wait for their answers} */
    long held() {
        return held;
    }

    /** {@return bytes reserved from the budget now} */
    long counted() {
        return counted;
    }

    /**
     * Brings the reservation in line with {@code total} held bytes; a total of at most {@link #UNCOUNTED}
     * reserves nothing (and touches no atomic).
     *
     * @return false, and nothing changed, when a larger reservation does not fit the budget
     */
    private boolean account(long total) {
        long target = total > UNCOUNTED ? total : 0;
        long delta = target - counted;
        if (delta > 0 && !budget.tryReserve(delta)) {
            return false;
        }
        if (delta < 0) {
            budget.release(-delta);
        }
        counted = target;
        return true;
    }
}
