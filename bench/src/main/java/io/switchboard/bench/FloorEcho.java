package io.switchboard.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The floor's echo: writes what it read straight back from the selector thread's read buffer. Only bytes
 * the socket would not take are copied, into a buffer of this connection, and reading stops until they are
 * written. One per connection; selector thread only.
 */
final class FloorEcho implements FloorServer.Protocol {
    private final SocketChannel channel;
    private ByteBuffer pending;

    FloorEcho(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public void ready(SelectionKey key, ByteBuffer read) throws IOException {
        if (pending != null) {
            if (FloorServer.writePending(key, channel, pending)) {
                pending = null;
            }
            return;
        }
        int n = channel.read(read);
        if (n < 0) {
            FloorServer.closeQuietly(key);
            return;
        }
        pending = FloorServer.writeOrKeep(key, channel, read.flip());
    }
}
