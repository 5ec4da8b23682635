package io.switchboard.redis;

/**
 * An error reply from Redis ({@code -ERR unknown command}, {@code -NOAUTH Authentication required}): a value the
 * {@link RespClientCodec} passes on, not an exception. Immutable.
 *
 * @param text the reply's text, its kind first ({@code ERR}, {@code WRONGTYPE}, {@code NOAUTH}, …)
 */
public record RedisError(String text) {
}
