/**
 * Switchboard over Redis: a RESP2 client codec, a pub/sub channel shared by the instances of a server, and a
 * connection group that broadcasts across them. Runs on the framework's own client; nothing else at run time.
 */
module io.switchboard.redis {
    requires transitive io.switchboard;

    exports io.switchboard.redis;
}
