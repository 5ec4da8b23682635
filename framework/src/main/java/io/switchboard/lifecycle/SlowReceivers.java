package io.switchboard.lifecycle;

import io.switchboard.pipeline.Connection;

/**
 * What {@link ConnectionGroup#broadcast} does with a member whose peer reads more slowly than the group writes
 * to it, or not at all: more than its high watermark stays queued once the socket has taken what it takes
 * ({@link Connection#isWritable()} false, and still false after a flush). Writing to it anyway would only grow
 * its queue until the connection's hard limit or the process's memory budget resets it, holding memory for a
 * peer that is not reading meanwhile.
 */
public enum SlowReceivers {
    /**
     * Close the member ({@link Connection#close()}) and take it out of the group: it is sent what was already
     * queued for it, then a FIN, and it is reset if its peer takes none of that for the connection's close
     * timeout. A peer that cannot keep up is disconnected and can tell (a chat client reconnects and knows it
     * may have missed lines) instead of silently missing messages, and the server holds about one high
     * watermark for it until then. The default.
     */
    CLOSE,
    /**
     * Skip the member for this message and keep it in the group: it misses the messages broadcast while it is
     * behind, without being told, and gets later ones once it has caught up. For feeds where only the latest
     * value matters (prices, positions, presence).
     */
    SKIP
}
