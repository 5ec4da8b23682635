/**
 * JMH benchmarks: Switchboard's codecs, pipeline and loop against Netty's on the same bytes, delivered the same way
 * and consumed the same way; and the TLS ceiling of one core (AES-GCM alone, the JDK's {@code SSLEngine} on one
 * record). Run with {@code java -jar bench/target/switchboard-bench.jar jmh}.
 */
package io.switchboard.bench.jmh;
