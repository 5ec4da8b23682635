/**
 * Bootstraps: {@link io.switchboard.server.Server} listens and hands accepted connections to worker loops;
 * {@link io.switchboard.server.Client} connects out onto the same loops.
 */
package io.switchboard.server;
