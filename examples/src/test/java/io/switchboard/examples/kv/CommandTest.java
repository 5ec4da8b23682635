package io.switchboard.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Command names are found from their bytes in any letter case, and only whole names match. */
class CommandTest {
    private static Command find(String name) {
        return Command.find(name.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyNameInAnyCase() {
        for (Command c : Command.values()) {
            assertEquals(c, find(c.name()));
            assertEquals(c, find(c.lowerName()));
        }
        assertEquals(Command.FLUSHALL, find("FlushAll"));
    }

    @Test
    void nearMissesAreUnknown() {
        assertNull(find("GETS"), "longer");
        assertNull(find("GE"), "shorter");
        assertNull(find(""), "empty");
        assertNull(find("G\u00c5T"), "Å is not a case of E");
        assertNull(find("GE4"), "a digit where a letter is");
    }
}
