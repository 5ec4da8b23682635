package io.switchboard.lifecycle;

import io.switchboard.pipeline.Connection;

/**
 * What {@link ConnectionGroup#broadcast} does with a member that is over its outbound limit: its queue is above
 * the high watermark ({@link Connection#isWritable()} is false), because its peer reads more slowly than the
 * group writes to it, or not at all. Writing to it anyway would only grow its queue until the connection's
 * hard limit or the process's memory budget resets it, holding memory for a peer that is not reading meanwhile.
 */
public enum SlowReceivers {
    /**
     * Close the member ({@link Connection#close()}) and take it out of the group: it is sent what was already
     * queued for it, then a FIN, and it is reset if its peer takes none of that for the connection's close
     * timeout. A peer that cannot keep up is disconnected and can tell (a chat client reconnects and knows it
     * missed lines), and it holds at most about one high watermark until then. The default.
     */
    CLOSE,
    /**
     * Skip the member for this message and keep it in the group: it misses the message without being told, and
     * gets later ones once its peer has caught up (below the low watermark). For feeds where only the latest
     * value matters (prices, positions, presence).
     */
    SKIP
}
