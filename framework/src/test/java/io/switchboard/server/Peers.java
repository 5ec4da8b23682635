package io.switchboard.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Loopback peers for the close tests: what a peer received, and how its stream ended. */
final class Peers {
    /** The bytes servers send in these tests: random, so that a lost or repeated chunk shows. */
    static final byte[] DATA = new byte[8 * 1024 * 1024];

    static {
        new Random(9).nextBytes(DATA);
    }

    private Peers() {
    }

    /** How a peer's read of the stream ended. */
    enum End { EOF, RESET, OTHER }

    /** What one peer read: how many bytes, whether they were the expected ones, and how the stream ended. */
    record Received(long bytes, long firstMismatch, End end, String failure) {
        boolean exact(long expected) {
            return bytes == expected && firstMismatch < 0;
        }

        @Override
        public String toString() {
            return bytes + " bytes" + (firstMismatch >= 0 ? ", wrong from byte " + firstMismatch : "") + ", then "
                    + end + (failure != null ? " (" + failure + ")" : "");
        }
    }

    /**
     * A socket with a small receive buffer (set before connecting, so the window stays small), so that bytes a
     * server sends wait in its own queue rather than in the kernel.
     */
    static Socket connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.setSoTimeout(20_000);
        socket.connect(address, 10_000);
        return socket;
    }

    /**
     * Reads until the stream ends, {@code step} bytes at a time with {@code pauseMillis} between reads (a
     * paced reader: the pause sets its speed, it does not wait for anything), checking each byte against
     * {@link #DATA}.
     *
     * @param firstBytes counted down once the first bytes have arrived, or null
     */
    static Received readPaced(Socket socket, int step, long pauseMillis, CountDownLatch firstBytes) {
        byte[] buffer = new byte[step];
        long total = 0;
        long mismatch = -1;
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return new Received(total, mismatch, End.EOF, null);
                }
                for (int i = 0; i < n && mismatch < 0; i++) {
                    if (total + i >= DATA.length || buffer[i] != DATA[(int) (total + i)]) {
                        mismatch = total + i;
                    }
                }
                if (total == 0 && firstBytes != null) {
                    firstBytes.countDown();
                }
                total += n;
                if (pauseMillis > 0) {
                    TimeUnit.MILLISECONDS.sleep(pauseMillis);
                }
            }
        } catch (SocketException e) {
            boolean reset = e.getMessage() != null && e.getMessage().toLowerCase().contains("reset");
            return new Received(total, mismatch, reset ? End.RESET : End.OTHER, e.toString());
        } catch (IOException | InterruptedException e) {
            return new Received(total, mismatch, End.OTHER, e.toString());
        }
    }

    /** Reads everything at once, as fast as it arrives. */
    static Received readAll(Socket socket) {
        return readPaced(socket, 64 * 1024, 0, null);
    }
}
