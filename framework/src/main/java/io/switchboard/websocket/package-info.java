/**
 * WebSocket (RFC 6455) with permessage-deflate (RFC 7692): {@link io.switchboard.websocket.WebSocketStage}, the
 * protocol as a pipeline stage on an upgraded connection, the {@link io.switchboard.websocket.WebSocketHandler} an
 * application implements and the {@link io.switchboard.websocket.WebSocket} it sends through.
 */
package io.switchboard.websocket;
