/**
 * Event loops: one thread and one selector each, a lock-free queue for tasks from other threads, timers,
 * and the buffers a loop lends to its connections.
 */
package io.switchboard.loop;
