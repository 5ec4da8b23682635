/**
 * Switchboard: a selector-based reactor (a boss loop that accepts, worker loops that own connections),
 * per-connection pipelines of codecs and handlers, and an in-memory test harness.
 */
module io.switchboard {
    requires transitive org.slf4j;
    requires jdk.jfr;

    exports io.switchboard.loop;
    exports io.switchboard.pipeline;
    exports io.switchboard.proxy;
    exports io.switchboard.codec;
    exports io.switchboard.http;
    exports io.switchboard.http2;
    exports io.switchboard.http2.hpack;
    exports io.switchboard.lifecycle;
    exports io.switchboard.server;
    exports io.switchboard.testing;
    exports io.switchboard.tls;
    exports io.switchboard.udp;
    exports io.switchboard.websocket;
    // The flight recorder instruments the events and reads their fields.
    exports io.switchboard.internal.jfr to jdk.jfr;
}
