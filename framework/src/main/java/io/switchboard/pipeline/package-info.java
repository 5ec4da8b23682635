/**
 * Connections and their pipelines of handlers: inbound events flow from the socket to the application,
 * outbound writes flow back, all on the connection's loop.
 */
package io.switchboard.pipeline;
