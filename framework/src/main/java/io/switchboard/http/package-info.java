/**
 * HTTP/1.0 and HTTP/1.1 servers: a strict incremental parser, keep-alive and pipelining with answers in
 * request order however they complete, chunked bodies both ways, and a small typed API
 * ({@link io.switchboard.http.HttpService}, {@link io.switchboard.http.Routes},
 * {@link io.switchboard.http.HttpResponder}).
 */
package io.switchboard.http;
