/**
 * A connection's life beyond its bytes: idle detection, heartbeats, broadcast groups for server push, and
 * reconnecting clients.
 */
package io.switchboard.lifecycle;
