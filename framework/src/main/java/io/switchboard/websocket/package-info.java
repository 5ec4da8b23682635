/**
 * WebSocket (RFC 6455) with permessage-deflate (RFC 7692): {@link io.switchboard.websocket.WebSocketStage}, the
 * protocol as a pipeline stage on an upgraded connection; {@link io.switchboard.websocket.WebSocketUpgrade}, the
 * server's opening handshake on an HTTP route; {@link io.switchboard.websocket.WebSocketClient}, the client's, on
 * the {@code Client} bootstrap; the {@link io.switchboard.websocket.WebSocketHandler} an application implements,
 * the {@link io.switchboard.websocket.WebSocket} it sends through, and
 * {@link io.switchboard.websocket.WebSocketFrame}, a message framed once for a broadcast.
 */
package io.switchboard.websocket;
