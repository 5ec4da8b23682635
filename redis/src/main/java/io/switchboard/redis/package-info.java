/**
 * Broadcast across the instances of a server through Redis pub/sub: {@link io.switchboard.redis.RedisGroup} (a
 * connection group that spans instances), {@link io.switchboard.redis.RedisPubSub} (the channel, its reconnects and
 * its counts of what was lost) and {@link io.switchboard.redis.RespClientCodec} (RESP2 for a client).
 */
package io.switchboard.redis;
