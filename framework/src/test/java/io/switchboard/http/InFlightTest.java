package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-flight queue keeps each exchange's start beside it, in order, through growth, wrap-around and removals. */
class InFlightTest {

    private static Exchange exchange() {
        return new Exchange(null, null, null);
    }

    @Test
    void startsTravelWithTheirExchangesThroughGrowthAndWrapAround() {
        InFlight q = new InFlight();
        List<Exchange> all = new ArrayList<>();
        long next = 100;
        // 40 exchanges in, in waves, removing the oldest as we go: the ring wraps and grows
        for (int wave = 0; wave < 5; wave++) {
            for (int i = 0; i < 8; i++) {
                Exchange x = exchange();
                all.add(x);
                q.add(x, next++, null);
            }
            for (int i = 0; i < 3; i++) {
                Exchange oldest = all.remove(0);
                assertSame(oldest, q.oldest());
                assertEquals(next - all.size() - 1, q.oldestStart(), "the oldest's start");
                assertSame(oldest, q.removeOldest());
            }
        }
        assertEquals(all.size(), q.size());
        assertSame(all.get(all.size() - 1), q.newest());
        // remove one from the middle: the rest keep their order and starts
        Exchange middle = all.remove(10);
        assertTrue(q.contains(middle));
        q.remove(middle);
        assertFalse(q.contains(middle));
        List<Exchange> seen = new ArrayList<>();
        q.forEach(seen::add);
        assertEquals(all, seen);
        long previous = -1;
        while (!q.isEmpty()) {
            assertTrue(q.oldestStart() > previous, "starts stay in order");
            previous = q.oldestStart();
            q.removeOldest();
        }
        assertNull(q.oldest());
    }
}
