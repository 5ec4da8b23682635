package io.switchboard.http;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The exchanges of one connection in request order. Most connections have at most one request in flight,
 * so the oldest sits in a field and a deque is created only for pipelined requests behind it; an idle
 * connection holds no array. Loop thread only.
 */
final class InFlight {
    private Exchange first;
    private ArrayDeque<Exchange> more;

    boolean isEmpty() {
        return first == null;
    }

    int size() {
        return first == null ? 0 : 1 + (more == null ? 0 : more.size());
    }

    Exchange oldest() {
        return first;
    }

    Exchange newest() {
        return more == null || more.isEmpty() ? first : more.peekLast();
    }

    void add(Exchange x) {
        if (first == null) {
            first = x;
        } else {
            if (more == null) {
                more = new ArrayDeque<>(4);
            }
            more.addLast(x);
        }
    }

    boolean contains(Exchange x) {
        return first == x || more != null && more.contains(x);
    }

    Exchange removeOldest() {
        Exchange x = first;
        first = more == null ? null : more.pollFirst();
        return x;
    }

    /** Removes {@code x} wherever it is. */
    void remove(Exchange x) {
        if (first == x) {
            removeOldest();
        } else if (more != null) {
            more.remove(x);
        }
    }

    /** Runs {@code action} on every exchange, oldest first. */
    void forEach(Consumer<Exchange> action) {
        if (first != null) {
            action.accept(first);
        }
        if (more != null) {
            more.forEach(action);
        }
    }

    /** Kills every exchange (their late answers are dropped, their streams close) and forgets them. */
    void killAll() {
        forEach(Exchange::kill);
        first = null;
        more = null;
    }
}
