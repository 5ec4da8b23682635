package io.switchboard.examples.kv;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The key space, shared by every connection on every loop, so it must be thread-safe: a
 * {@link ConcurrentHashMap} whose values carry their expiry. Expired keys are removed when touched.
 * Keys are byte strings held as ISO-8859-1 text, which maps every byte to one char, so they stay binary-safe.
 */
public final class KvStore {
    /** A value and the moment it expires (0 for never), in the store's clock. */
    private record Entry(byte[] value, long expiresAtMillis) {
        boolean expired(long now) {
            return expiresAtMillis != 0 && now >= expiresAtMillis;
        }

        /** Reads the clock only for a key that has an expiry: most keys have none, and a clock read costs. */
        boolean expired(LongSupplier clock) {
            return expiresAtMillis != 0 && clock.getAsLong() >= expiresAtMillis;
        }
    }

    private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;

    /** A store on {@code clockMillis} ({@code System::currentTimeMillis} outside tests). */
    public KvStore(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** The value of {@code key}, or null. */
    public byte[] get(String key) {
        Entry e = live(key);
        return e == null ? null : e.value();
    }

    /** Sets {@code key}, expiring after {@code ttlMillis} (0 for never): a plain SET, which needs no look first. */
    public void set(String key, byte[] value, long ttlMillis) {
        map.put(key, new Entry(value, ttlMillis == 0 ? 0 : clockMillis.getAsLong() + ttlMillis));
    }

    /** When {@link #set(String, byte[], Condition, long, boolean)} sets the key. */
    public enum Condition {
        /** Always (plain SET). */
        ALWAYS,
        /** Only when the key does not exist (NX). */
        IF_ABSENT,
        /** Only when the key exists (XX). */
        IF_PRESENT
    }

    /**
     * What a conditional set did.
     *
     * @param applied  whether the key was set
     * @param previous the value the key had before, or null when it had none
     */
    public record SetOutcome(boolean applied, byte[] previous) {
    }

    /**
     * Sets {@code key} when {@code condition} holds, in one step.
     *
     * @param expiresAtMillis when the new value expires on the store's clock, or 0 for never
     * @param keepTtl         keep the expiry the key has (KEEPTTL) instead of {@code expiresAtMillis}
     */
    public SetOutcome set(String key, byte[] value, Condition condition, long expiresAtMillis, boolean keepTtl) {
        long now = clockMillis.getAsLong();
        byte[][] previous = new byte[1][];
        boolean[] applied = new boolean[1];
        map.compute(key, (k, e) -> {
            Entry live = e == null || e.expired(now) ? null : e;
            previous[0] = live == null ? null : live.value();
            boolean set = condition == Condition.ALWAYS
                    || (condition == Condition.IF_ABSENT) == (live == null);
            if (!set) {
                return live;
            }
            applied[0] = true;
            return new Entry(value, keepTtl && live != null ? live.expiresAtMillis() : expiresAtMillis);
        });
        return new SetOutcome(applied[0], previous[0]);
    }

    /** {@return the store's clock, in milliseconds} */
    public long now() {
        return clockMillis.getAsLong();
    }

    /** Removes {@code key}; returns true if it existed. */
    public boolean delete(String key) {
        Entry e = map.remove(key);
        return e != null && !e.expired(clockMillis);
    }

    /** True when {@code key} exists. */
    public boolean exists(String key) {
        return live(key) != null;
    }

    /**
     * Adds one to the integer in {@code key} (0 when missing), keeping its expiry.
     *
     * @throws NumberFormatException when the value is not a 64-bit integer or would overflow
     */
    public long increment(String key) {
        long[] result = new long[1];
        map.compute(key, (k, e) -> {
            long now = clockMillis.getAsLong();
            boolean live = e != null && !e.expired(now);
            long current = live ? Long.parseLong(new String(e.value(), java.nio.charset.StandardCharsets.US_ASCII)) : 0;
            result[0] = Math.addExact(current, 1);
            return new Entry(Long.toString(result[0]).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    live ? e.expiresAtMillis() : 0);
        });
        return result[0];
    }

    /** Sets a time to live on an existing key; returns false when it does not exist. */
    public boolean expire(String key, long ttlMillis) {
        long now = clockMillis.getAsLong();
        return map.computeIfPresent(key, (k, e) -> e.expired(now) ? null : new Entry(e.value(), now + ttlMillis)) != null;
    }

    /** Seconds left to live, -1 without expiry, -2 when missing (Redis's TTL). */
    public long ttlSeconds(String key) {
        Entry e = live(key);
        if (e == null) {
            return -2;
        }
        if (e.expiresAtMillis() == 0) {
            return -1;
        }
        return (e.expiresAtMillis() - clockMillis.getAsLong() + 500) / 1000; // rounded, as redis-server does
    }

    /** Number of keys that have not expired. */
    public long size() {
        long now = clockMillis.getAsLong();
        map.values().removeIf(e -> e.expired(now));
        return map.size();
    }

    /** Removes every key. */
    public void clear() {
        map.clear();
    }

    private Entry live(String key) {
        Entry e = map.get(key);
        if (e != null && e.expired(clockMillis)) {
            map.remove(key, e);
            return null;
        }
        return e;
    }
}
