/**
 * HTTP/2 (RFC 9113) on the handlers of {@link io.switchboard.http}: {@link io.switchboard.http2.Http2Connection}, the
 * server side of a connection (streams, flow control, flood budgets, in {@link io.switchboard.http2.Http2Limits}),
 * over the frame layer ({@link io.switchboard.http2.Http2FrameReader}, {@link io.switchboard.http2.Http2FrameWriter},
 * {@link io.switchboard.http2.Http2Settings}, {@link io.switchboard.http2.Http2Error}, {@link io.switchboard.http2.Http2Config}).
 * An {@link io.switchboard.http.HttpService} speaks it to clients that open with the preface (h2c, prior knowledge).
 * {@link io.switchboard.http2.Http2Client} is the client side, on the {@link io.switchboard.server.Client} bootstrap.
 */
package io.switchboard.http2;
