package io.switchboard.tls;

import io.switchboard.pipeline.MemoryBudget;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLProtocolException;

/**
 * The start of a TLS record that has not fully arrived, kept between reads. Unlike a general cumulation it takes
 * from each read only what completes the record, so a read that carries a record's end and many more records is
 * decrypted where it lies, not copied.
 *
 * <p>Memory follows the bytes that arrived, not the length the record's header announces: the buffer holds at most
 * twice what arrived (at least {@value #MIN_CAPACITY} bytes) and grows as more arrives, up to the record's own
 * length (never more than {@link TlsRecords#MAX_RECORD}, 18,437 bytes). A peer that sends a header announcing the
 * largest record and then nothing holds {@value #MIN_CAPACITY} bytes, not 18 KiB. Allocating the announced length at
 * once would save the second buffer of a record cut early: bulk data read 64 KiB at a time allocates about 20 KiB of
 * heap per cut record this way against 16.5 KiB (and 25 KiB if the first buffer held only what arrived;
 * {@code PartialRecordCost} in the tests), a price worth paying for memory that only bytes a peer really sent can
 * claim.
 *
 * <p>Every byte of the buffer counts against the process's {@link MemoryBudget} while it is kept, and is given back
 * when the record is taken whole or the partial record is cleared (the connection closed, failed or its input
 * ended); when the budget cannot take more, nothing more is kept and the caller sheds the connection. Nothing is
 * allocated or counted between records, so a read that holds only whole records costs neither memory nor an atomic
 * operation here.
 *
 * <p>Loop thread only; one per connection.
 */
final class PartialRecord {
    /** The smallest buffer kept: a header and the start of its record. */
    static final int MIN_CAPACITY = 256;

    private final MemoryBudget budget;
    /** The bytes kept, between 0 and position (write mode); null when none. */
    private ByteBuffer kept;
    /** The record's whole length, header included, once its header arrived; -1 before. */
    private int length = -1;

    /**
     * An empty partial record.
     *
     * @param budget the budget the kept bytes count against
     */
    PartialRecord(MemoryBudget budget) {
        this.budget = budget;
    }

    /** {@return true when no partial record is kept} */
    boolean isEmpty() {
        return kept == null;
    }

    /** {@return the memory held for the record and counted against the budget, in bytes} */
    int capacity() {
        return kept == null ? 0 : kept.capacity();
    }

    /** {@return true when the kept record is whole: {@link #take()} hands it over} */
    boolean isWhole() {
        return kept != null && kept.position() == length;
    }

    /**
     * Moves bytes from {@code in} into the kept record (starting one when none is kept) until it is whole or
     * {@code in} is used up.
     *
     * @param in the bytes just read; its position moves past the bytes taken
     * @return false when the budget cannot take the memory for them: nothing of {@code in} was taken then, and what
     *         was kept before is still kept (the caller sheds the connection, which clears it)
     * @throws SSLProtocolException when the completed header announces a record longer than the largest legal one
     */
    boolean add(ByteBuffer in) throws SSLProtocolException {
        if (kept == null && in.remaining() >= TlsRecords.HEADER) {
            length = TlsRecords.length(in.duplicate().limit(in.position() + TlsRecords.HEADER));
        }
        while (in.hasRemaining() && !isWhole()) {
            int size = kept == null ? 0 : kept.position();
            int wanted = (length < 0 ? TlsRecords.HEADER : length) - size;
            int n = Math.min(wanted, in.remaining());
            if (!ensure(size + n)) {
                return false;
            }
            int limit = in.limit();
            in.limit(in.position() + n);
            kept.put(in);
            in.limit(limit);
            if (length < 0 && kept.position() == TlsRecords.HEADER) {
                ByteBuffer header = kept.duplicate().flip();
                length = TlsRecords.length(header);
                // length == HEADER for bytes that are not a TLS record: taken "whole", the engine refuses them.
            }
        }
        return true;
    }

    /**
     * Hands over the whole record and forgets it; its memory no longer counts against the budget.
     *
     * @return the record, readable between position and limit; the caller uses it up before the next {@link #add}
     */
    ByteBuffer take() {
        assert isWhole();
        ByteBuffer whole = kept.flip();
        clear();
        return whole;
    }

    /** Drops what is kept and gives its memory back to the budget. */
    void clear() {
        if (kept != null) {
            budget.release(kept.capacity());
            kept = null;
        }
        length = -1;
    }

    /**
     * Makes room for {@code needed} bytes: twice as many (or twice the buffer so far, whichever is more), never more
     * than the record's length once that is known.
     */
    private boolean ensure(int needed) {
        int capacity = capacity();
        if (needed <= capacity) {
            return true;
        }
        int grown = Math.max(2 * needed, Math.max(MIN_CAPACITY, 2 * capacity));
        if (length >= 0) {
            grown = Math.min(grown, length);
        }
        if (!budget.tryReserve(grown - capacity)) {
            return false;
        }
        ByteBuffer bigger = ByteBuffer.allocate(grown);
        if (kept != null) {
            bigger.put(kept.flip());
        }
        kept = bigger;
        return true;
    }
}
