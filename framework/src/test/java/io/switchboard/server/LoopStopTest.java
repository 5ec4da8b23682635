package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.MemoryBudget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A loop that stops with connections open writes what each socket takes at once: a connection that could
 * send everything ends with a clean FIN, one whose peer does not read is reset, so that peer cannot mistake
 * the cut for the end.
 */
@Tag("hardening")
class LoopStopTest {

    @Test
    void aStoppingLoopFinishesWhatFitsAndResetsWhatDoesNot() throws Exception {
        int small = 1024;
        int large = 8 * 1024 * 1024;
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            listener.setReceiveBufferSize(16 * 1024);
            InetSocketAddress address = (InetSocketAddress) listener.getLocalSocketAddress();
            Client client = Client.builder()
                    .socket(new SocketOptions(true, false, 0, 16 * 1024))
                    .memoryBudget(new MemoryBudget(64L * 1024 * 1024))
                    .pipeline(p -> { })
                    .build();
            Connection fits = client.connect(address).get(10, TimeUnit.SECONDS);
            Connection stuck = client.connect(address).get(10, TimeUnit.SECONDS);
            try (Socket fitsPeer = accept(listener); Socket stuckPeer = accept(listener)) {
                // Both writes are accepted by the loop before it stops; the peers read nothing until it has stopped.
                fits.write(Arrays.copyOf(Peers.DATA, small));
                stuck.write(Arrays.copyOf(Peers.DATA, large));
                client.close();

                Peers.Received whole = Peers.readAll(fitsPeer);
                // Before: the bytes were dropped and the socket closed cleanly: 0 bytes, then EOF.
                assertTrue(whole.exact(small) && whole.end() == Peers.End.EOF,
                        "1 KiB that fits in the socket arrives whole, then a clean FIN; got " + whole);
                Peers.Received cut = Peers.readAll(stuckPeer);
                // Before: a clean FIN after whatever the kernel held, which the peer could take for the end.
                assertEquals(Peers.End.RESET, cut.end(), "8 MiB that did not fit: the peer sees a reset; got " + cut);
                assertTrue(cut.bytes() < large, "the reset peer got part of the 8 MiB: " + cut);
            }
        }
    }

    private static Socket accept(ServerSocket listener) throws Exception {
        listener.setSoTimeout(10_000);
        Socket socket = listener.accept();
        socket.setSoTimeout(20_000);
        return socket;
    }
}
