package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The start of a load run: the measured window waits for the first answer, and gives up on a silent server. */
class ConnectAllTest {
    @Test
    void returnsOnceTheFirstAnswerIsCounted() {
        AtomicLong polls = new AtomicLong();
        // The third look sees an answer: the wait ends there, long before the 30 s timeout.
        assertNull(ConnectAll.awaitFirstAnswer(() -> polls.incrementAndGet() >= 3 ? 1 : 0, Duration.ofSeconds(30)));
        assertEquals(3, polls.get());
    }

    @Test
    void aServerThatNeverAnswersIsAFailureNamingTheTimeout() {
        assertEquals("no answer within 0 s of connecting", ConnectAll.awaitFirstAnswer(() -> 0, Duration.ZERO));
    }
}
