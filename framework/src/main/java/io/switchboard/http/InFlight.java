package io.switchboard.http;

import io.switchboard.internal.jfr.HttpRequestEvent;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The exchanges of one connection in request order, each with when its head was read (the loop's clock) and, while a
 * JFR recording runs, its begun {@link HttpRequestEvent}: kept beside the exchanges rather than in them, so that an
 * exchange stays as small as it is. Most connections have at most one request in flight, so the oldest sits in
 * fields and arrays are made only for pipelined requests behind it; an idle connection holds none. Loop thread only.
 */
final class InFlight {
    private Exchange first;
    private long firstStart;
    private HttpRequestEvent firstEvent;
    /** The exchanges behind the first, a ring from {@link #head}; null until a second request is in flight. */
    private Exchange[] more;
    private long[] starts;
    private HttpRequestEvent[] events;
    private int head;
    private int count;

    boolean isEmpty() {
        return first == null;
    }

    int size() {
        return first == null ? 0 : 1 + count;
    }

    Exchange oldest() {
        return first;
    }

    /** {@return when the oldest exchange's head was read (the loop's clock)} */
    long oldestStart() {
        return firstStart;
    }

    /** {@return the oldest exchange's begun recording event, or null} */
    HttpRequestEvent oldestEvent() {
        return firstEvent;
    }

    Exchange newest() {
        return count == 0 ? first : more[index(count - 1)];
    }

    void add(Exchange x) {
        add(x, 0, null);
    }

    /**
     * Adds {@code x}, the newest.
     *
     * @param start when its head was read, on the loop's clock
     * @param event its begun recording event, or null
     */
    void add(Exchange x, long start, HttpRequestEvent event) {
        if (first == null) {
            first = x;
            firstStart = start;
            firstEvent = event;
            return;
        }
        if (more == null) {
            more = new Exchange[4];
            starts = new long[4];
        } else if (count == more.length) {
            grow();
        }
        int i = index(count++);
        more[i] = x;
        starts[i] = start;
        if (event != null) {
            if (events == null) {
                events = new HttpRequestEvent[more.length];
            }
            events[i] = event;
        }
    }

    boolean contains(Exchange x) {
        if (first == x) {
            return true;
        }
        for (int k = 0; k < count; k++) {
            if (more[index(k)] == x) {
                return true;
            }
        }
        return false;
    }

    Exchange removeOldest() {
        Exchange x = first;
        if (count == 0) {
            first = null;
            firstEvent = null;
            return x;
        }
        first = more[head];
        firstStart = starts[head];
        firstEvent = events == null ? null : events[head];
        more[head] = null;
        if (events != null) {
            events[head] = null;
        }
        head = (head + 1) % more.length;
        count--;
        return x;
    }

    /** Removes {@code x} wherever it is. */
    void remove(Exchange x) {
        if (first == x) {
            removeOldest();
            return;
        }
        for (int k = 0; k < count; k++) {
            if (more[index(k)] == x) {
                for (int j = k; j < count - 1; j++) {
                    int to = index(j);
                    int from = index(j + 1);
                    more[to] = more[from];
                    starts[to] = starts[from];
                    if (events != null) {
                        events[to] = events[from];
                    }
                }
                int last = index(--count);
                more[last] = null;
                if (events != null) {
                    events[last] = null;
                }
                return;
            }
        }
    }

    /** Runs {@code action} on every exchange, oldest first. */
    void forEach(Consumer<Exchange> action) {
        if (first != null) {
            action.accept(first);
        }
        for (int k = 0; k < count; k++) {
            action.accept(more[index(k)]);
        }
    }

    /** Kills every exchange (their late answers are dropped, their streams close) and forgets them. */
    void killAll() {
        forEach(Exchange::kill);
        first = null;
        firstEvent = null;
        more = null;
        starts = null;
        events = null;
        head = 0;
        count = 0;
    }

    private int index(int k) {
        return (head + k) % more.length;
    }

    private void grow() {
        int n = more.length;
        Exchange[] m = new Exchange[n * 2];
        long[] s = new long[n * 2];
        HttpRequestEvent[] e = events == null ? null : new HttpRequestEvent[n * 2];
        for (int k = 0; k < count; k++) {
            int i = index(k);
            m[k] = more[i];
            s[k] = starts[i];
            if (e != null) {
                e[k] = events[i];
            }
        }
        more = m;
        starts = s;
        events = e;
        head = 0;
        Arrays.fill(more, count, more.length, null);
    }
}
