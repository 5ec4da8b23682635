package io.switchboard.pipeline;

/**
 * A typed key for a per-connection attribute; compare by identity, so keep keys in constants. Thread-safe.
 *
 * @param <T> the attribute's type
 */
public final class AttributeKey<T> {
    private final String name;

    private AttributeKey(String name) {
        this.name = name;
    }

    /**
     * A new key, distinct from every other key.
     *
     * @param <T>  the attribute's type
     * @param name a name for messages only; it plays no part in lookups
     * @return the new key
     */
    public static <T> AttributeKey<T> of(String name) {
        return new AttributeKey<>(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
