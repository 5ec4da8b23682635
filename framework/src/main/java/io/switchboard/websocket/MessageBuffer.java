package io.switchboard.websocket;

import io.switchboard.pipeline.MemoryBudget;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The payload of the message being read, and the UTF-8 check of a text message as its bytes arrive.
 *
 * <p>A message that starts and ends while the connection handles one read (the common case) is assembled in the
 * loop's {@link Scratch} and costs no allocation. A message still open when the read ends is copied into an array
 * of its own ({@link #keep}), twice the bytes that arrived (but not past what the current frame announced), which
 * then doubles as bytes arrive, never to a length a peer only announced and never past the message limit (plus one
 * byte, by which the inflater finds out it went over). That array counts against
 * the {@link MemoryBudget} past the first {@link #UNCOUNTED} bytes, reserved as it grows; when the budget is spent
 * the message is refused with {@link CloseStatus#INTERNAL_ERROR}. Loop thread only; one per connection.
 */
final class MessageBuffer {
    /** Bytes of a kept message a connection holds free of the budget. */
    static final int UNCOUNTED = 8 * 1024;

    private final Scratch scratch;
    private final MemoryBudget budget;
    private final int limit;
    private byte[] array;
    private int size;
    private boolean lent;
    private boolean text;
    private int utf8 = Utf8.ACCEPT;
    /** Bytes reserved from the budget for {@link #array}: its length, or 0 while it is small or lent. */
    private long counted;

    MessageBuffer(Scratch scratch, MemoryBudget budget, int limit) {
        this.scratch = scratch;
        this.budget = budget;
        this.limit = limit;
    }

    /** A message starts; {@code isText} turns the UTF-8 check on. */
    void start(boolean isText) {
        assert array == null;
        text = isText;
        utf8 = Utf8.ACCEPT;
        size = 0;
        array = scratch.lend();
        lent = array != null;
        if (!lent) {
            array = new byte[256];
        }
    }

    /** {@return true between {@link #start} and {@link #finish}} */
    boolean isOpen() {
        return array != null;
    }

    /** {@return the array the message's bytes are in, from 0 to {@link #size()}} */
    byte[] array() {
        return array;
    }

    /** {@return the message's length so far} */
    int size() {
        return size;
    }

    /**
     * Makes room for up to {@code wanted} more bytes, but not for more than one byte past the limit.
     *
     * @return the room there is now, at least 1 unless the message is already past its limit
     * @throws WebSocketException with {@link CloseStatus#INTERNAL_ERROR} when the memory budget is spent
     */
    int room(int wanted) {
        long need = Math.min((long) size + wanted, (long) limit + 1);
        if (need > array.length) {
            grow((int) need);
        }
        return array.length - size;
    }

    /**
     * {@code n} bytes were written after the message's end; a text message's new bytes are checked at once.
     *
     * @throws WebSocketException with {@link CloseStatus#MESSAGE_TOO_BIG} past the limit, or
     *                            {@link CloseStatus#INVALID_PAYLOAD} at the first byte that is not valid UTF-8
     */
    void added(int n) {
        int from = size;
        size += n;
        if (size > limit) {
            throw new WebSocketException(CloseStatus.MESSAGE_TOO_BIG, "message over the limit of " + limit + " bytes");
        }
        if (text) {
            utf8 = Utf8.check(utf8, array, from, size);
            if (utf8 == Utf8.REJECT) {
                throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "text message is not valid UTF-8");
            }
        }
    }

    /**
     * The message is complete: for text, checks that it did not stop inside a character.
     *
     * @throws WebSocketException with {@link CloseStatus#INVALID_PAYLOAD} when it did
     */
    void complete() {
        if (text && utf8 != Utf8.ACCEPT) {
            throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
    }

    /** {@return the whole binary message as a buffer, borrowed until the message is {@link #finish finished}} */
    ByteBuffer binary() {
        return lent ? scratch.view(size) : ByteBuffer.wrap(array, 0, size);
    }

    /**
     * The read ends with the message open: a lent array is copied into one of the message's own.
     *
     * @param expected bytes the current frame announced beyond what arrived, a cap on the array's length; 0 if unknown
     * @throws WebSocketException with {@link CloseStatus#INTERNAL_ERROR} when the memory budget is spent
     */
    void keep(long expected) {
        if (!lent) {
            return;
        }
        byte[] from = array;
        long grown = Math.max(2L * size, 256);
        long announced = expected > 0 ? size + expected : Long.MAX_VALUE;
        int length = (int) Math.max(size, Math.min(Math.min(grown, announced), (long) limit + 1));
        if (!account(length)) {
            finish();
            throw budgetSpent();
        }
        array = Arrays.copyOf(from, length);
        lent = false;
        scratch.giveBack();
    }

    /** The message was delivered or dropped: its bytes are let go. */
    void finish() {
        if (lent) {
            scratch.giveBack();
            lent = false;
        }
        array = null;
        size = 0;
        account(0);
    }

    /** {@return bytes reserved from the budget now} For tests. */
    long counted() {
        return counted;
    }

    private void grow(int need) {
        if (lent && need <= Scratch.MAX_LENT) {
            array = scratch.grow(need, size);
            return;
        }
        int length = (int) Math.min(Math.max(need, (long) array.length * 2), (long) limit + 1);
        if (!account(length)) {
            throw budgetSpent();
        }
        byte[] bigger = Arrays.copyOf(array, length);
        if (lent) {
            scratch.giveBack();
            lent = false;
        }
        array = bigger;
    }

    /**
     * Brings the reservation in line with an array of {@code length} bytes of the message's own; up to
     * {@link #UNCOUNTED} bytes reserve nothing (and touch no atomic).
     *
     * @return false, and nothing changed, when a larger reservation does not fit the budget
     */
    private boolean account(long length) {
        long target = length > UNCOUNTED ? length : 0;
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

    private static WebSocketException budgetSpent() {
        return new WebSocketException(CloseStatus.INTERNAL_ERROR, "memory budget spent");
    }
}
