/**
 * Binds Switchboard's counts to Micrometer: {@link io.switchboard.micrometer.ServerMeters} (connections, bytes, loops),
 * {@link io.switchboard.micrometer.HttpMeters} (request durations by status class, requests in flight),
 * {@link io.switchboard.micrometer.TlsMeters} and {@link io.switchboard.micrometer.WebSocketMeters}, with
 * OpenTelemetry's names where it has them. Every meter reads the framework's own counts when the registry is read:
 * nothing is recorded per request.
 */
package io.switchboard.micrometer;
