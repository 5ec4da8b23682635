package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code --log-level} sets logging without a logback.xml of one's own, for every command. */
class LogLevelTest {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger http = (Logger) LoggerFactory.getLogger("io.switchboard.http");
    private final Level rootBefore = root.getLevel();
    private final Level httpBefore = http.getLevel();

    @AfterEach
    void restore() {
        root.setLevel(rootBefore);
        http.setLevel(httpBefore);
    }

    @Test
    void theFlagSetsTheRootOrOneLoggerAndLeavesTheOtherArguments() {
        List<String> rest = LogLevel.apply(List.of("--port", "0", "--log-level", "debug", "--workers", "1",
                "--log-level=io.switchboard.http=TRACE"));
        assertEquals(List.of("--port", "0", "--workers", "1"), rest);
        assertEquals(Level.DEBUG, root.getLevel());
        assertEquals(Level.TRACE, http.getLevel());
    }

    @Test
    void anUnknownOrMissingLevelIsAUsageError() {
        assertThrows(Args.UsageException.class, () -> LogLevel.apply(List.of("--log-level", "LOUD")));
        assertThrows(Args.UsageException.class, () -> LogLevel.apply(List.of("--log-level")));
        assertThrows(Args.UsageException.class, () -> LogLevel.apply(List.of("--log-level", "=DEBUG")));
        assertEquals(rootBefore, root.getLevel(), "nothing changed");
    }
}
