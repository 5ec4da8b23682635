/**
 * Switchboard's measuring tools: a load generator built on its {@link io.switchboard.server.Client}, a
 * Netty echo server to compare against, the side-by-side runner, and JMH codec benchmarks (in {@code jmh}).
 */
package io.switchboard.bench;
