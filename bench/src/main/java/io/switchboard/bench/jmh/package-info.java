/**
 * JMH benchmarks of Switchboard's codecs against Netty's decoders on the same bytes, delivered the same way
 * and consumed the same way. Run with {@code java -jar bench/target/switchboard-bench.jar jmh}.
 */
package io.switchboard.bench.jmh;
