/**
 * HTTP/1.0 and HTTP/1.1 servers: a strict incremental parser, keep-alive and pipelining with answers in
 * request order however they complete, bodies whole or streamed with backpressure both ways, static files sent
 * with zero copy, and a small typed API ({@link io.switchboard.http.HttpService}, {@link io.switchboard.http.Routes},
 * {@link io.switchboard.http.HttpResponder}, {@link io.switchboard.http.RequestBody},
 * {@link io.switchboard.http.ResponseStream}, {@link io.switchboard.http.StaticFiles}).
 */
package io.switchboard.http;
