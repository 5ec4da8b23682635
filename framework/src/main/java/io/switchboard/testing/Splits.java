package io.switchboard.testing;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Feeds one input to fresh connections in every way a socket could cut it: whole, split in two at every
 * point, and one byte at a time. A codec is correct only if each way gives the same result.
 *
 * <pre>{@code
 * Splits.check(bytes, () -> new EmbeddedConnection(p -> p.add(new LineCodec(80))),
 *         c -> assertEquals(List.of("a", "b"), c.readMessages()));
 * }</pre>
 *
 * Stateless; call it from the test's thread, which the connections it makes belong to.
 */
public final class Splits {
    private Splits() {
    }

    /**
     * Runs {@code check} on a new connection after each way of feeding {@code input}. An assertion
     * failure names the split that caused it.
     *
     * @param input       the bytes to feed
     * @param connections makes a fresh connection for each way of feeding
     * @param check       asserts on a connection after it was fed the whole input
     * @throws AssertionError when {@code check} fails for some split; its message names the split
     */
    public static void check(byte[] input, Supplier<EmbeddedConnection> connections, Consumer<EmbeddedConnection> check) {
        run("whole", connections, c -> c.feed(input), check);
        for (int at = 1; at < input.length; at++) {
            int split = at;
            run("split at byte " + split, connections, c -> c.feed(input, 0, split).feed(input, split, input.length - split), check);
        }
        run("one byte at a time", connections, c -> {
            for (int i = 0; i < input.length; i++) {
                c.feed(input, i, 1);
            }
        }, check);
    }

    private static void run(String how, Supplier<EmbeddedConnection> connections, Consumer<EmbeddedConnection> feed,
                            Consumer<EmbeddedConnection> check) {
        EmbeddedConnection c = connections.get();
        try {
            feed.accept(c);
            check.accept(c);
        } catch (AssertionError e) {
            AssertionError named = new AssertionError("input fed " + how + ": " + e.getMessage(), e);
            throw named;
        }
    }
}
