/**
 * HTTP/2 (RFC 9113). So far its frame layer: {@link io.switchboard.http2.Http2FrameReader}, which checks and
 * decodes frames as the bytes arrive, {@link io.switchboard.http2.Http2FrameWriter}, which encodes them,
 * {@link io.switchboard.http2.Http2Settings}, {@link io.switchboard.http2.Http2Error} and the limits in
 * {@link io.switchboard.http2.Http2Config}; the connection, its streams and flow control build on them.
 */
package io.switchboard.http2;
