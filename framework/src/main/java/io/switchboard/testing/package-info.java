/**
 * Testing without sockets: {@link io.switchboard.testing.EmbeddedConnection} drives a pipeline in memory
 * with a clock the test moves, {@link io.switchboard.testing.EmbeddedDatagramEndpoint} does the same for a
 * datagram endpoint, and {@link io.switchboard.testing.Splits} feeds an input cut every way.
 */
package io.switchboard.testing;
