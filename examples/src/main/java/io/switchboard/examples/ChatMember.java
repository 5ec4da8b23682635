package io.switchboard.examples;

import io.switchboard.http.EventStream;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Connection;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Someone in the chat room, and how the room reaches them: a line client on the chat port, a WebSocket, or a
 * Server-Sent Events stream (whose lines come in by {@code POST /say}). Made on the member's loop; {@link #gone} is
 * the room thread's.
 */
final class ChatMember {
    /** How a member is connected. */
    enum Transport { LINE, WEBSOCKET, EVENTS }

    private static final SecureRandom TOKENS = new SecureRandom();

    final Transport transport;
    /** The peer's address, as the chat has always named its clients. */
    final String name;
    /** A line client's or a WebSocket's connection; null for an event stream, whose connection HTTP owns. */
    final Connection connection;
    /** An event stream; null for the others. */
    final EventStream events;
    /** The loop the member's connection runs on. */
    final EventLoop loop;
    /**
     * An event stream's secret: its page sends it with {@code POST /say} so that the line is the member's (and no
     * one else can speak in its name); null for the others.
     */
    final String token;
    /** The id of the last line an event stream saw before it reconnected ({@code Last-Event-ID}), or -1. */
    final long lastSeen;
    /** Set by the room thread when the member has left. */
    boolean gone;

    private ChatMember(Transport transport, String name, Connection connection, EventStream events, EventLoop loop,
                       String token, long lastSeen) {
        this.transport = transport;
        this.name = name;
        this.connection = connection;
        this.events = events;
        this.loop = loop;
        this.token = token;
        this.lastSeen = lastSeen;
    }

    /** A client of the line chat on the chat port. */
    static ChatMember line(Connection connection) {
        return new ChatMember(Transport.LINE, name(connection.remoteAddress()), connection, null, connection.loop(),
                null, -1);
    }

    /** A WebSocket client ({@code /ws}). */
    static ChatMember webSocket(Connection connection) {
        return new ChatMember(Transport.WEBSOCKET, name(connection.remoteAddress()), connection, null,
                connection.loop(), null, -1);
    }

    /** An event stream ({@code /events}) opened by the peer at {@code address} on {@code loop}. */
    static ChatMember events(EventStream events, SocketAddress address, EventLoop loop) {
        byte[] secret = new byte[16];
        TOKENS.nextBytes(secret);
        return new ChatMember(Transport.EVENTS, name(address), null, events, loop,
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret), lastSeen(events.lastEventId()));
    }

    /** {@return the chat's name for a peer: its address without the leading slash} */
    static String name(SocketAddress address) {
        return String.valueOf(address).replaceFirst("^/", "");
    }

    private static long lastSeen(String lastEventId) {
        if (lastEventId == null) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(lastEventId.strip()));
        } catch (NumberFormatException e) {
            return -1; // not one of ours: nothing to replay
        }
    }

    @Override
    public String toString() {
        return transport + " " + name;
    }
}
