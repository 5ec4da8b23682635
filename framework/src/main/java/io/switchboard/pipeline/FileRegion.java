package io.switchboard.pipeline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An outbound message that sends part of a file as it is: the connection writes it to a socket with
 * {@link FileChannel#transferTo} ({@code sendfile(2)} on Linux), so its bytes go from the page cache to the socket
 * without passing through the heap or the connection's buffers. It takes its place in the outbound queue like any
 * bytes (those written before it leave before it, those after it after it), a write that stops short resumes when
 * the socket can take more, and its bytes count toward the connection's watermarks, so the connection turns
 * unwritable while a large region waits. It holds no memory, so it does not count toward
 * {@link ConnectionConfig#maxQueued()} or the {@link MemoryBudget}: a file larger than the outbound limit is sent
 * whole. What it holds is an open file; a writer that respects {@link Connection#isWritable()} has at most a
 * watermark's worth of regions waiting.
 *
 * <p>Only a pipeline that passes it to the socket unchanged can take it: ask
 * {@link HandlerContext#canWriteFileRegion()} first, and where a stage must see the bytes (TLS) read the file into
 * buffers and write those instead.
 *
 * <p>A region created with {@code closeWhenDone} closes its file once its last byte was written, or when it is
 * dropped: the connection closed or was reset with it still queued, or it was written after the close. A file
 * that shrinks below the region while it is being sent fails the connection with an {@link IOException} (the peer
 * was promised those bytes), rather than leaving it waiting for bytes that will never come. Not thread-safe: hand
 * it to one connection once and leave it alone.
 */
public final class FileRegion {
    private static final Logger log = LoggerFactory.getLogger(FileRegion.class);

    private final FileChannel file;
    private final long end;
    private final boolean closeWhenDone;
    private long position;

    /**
     * A region of {@code count} bytes of {@code file} from {@code position}.
     *
     * @param file          the file, open for reading; its own position is neither used nor changed
     * @param position      where the region starts in the file
     * @param count         how many bytes to send
     * @param closeWhenDone whether the region closes {@code file} once sent or dropped (give false for all but the
     *                      last of several regions of one file)
     * @throws IllegalArgumentException when {@code position} or {@code count} is negative
     */
    public FileRegion(FileChannel file, long position, long count, boolean closeWhenDone) {
        this.file = Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0 || position + count < 0) {
            throw new IllegalArgumentException("a region needs a position and a count of at least 0, got " + position
                    + " and " + count);
        }
        this.position = position;
        this.end = position + count;
        this.closeWhenDone = closeWhenDone;
    }

    /** {@return the file} */
    public FileChannel file() {
        return file;
    }

    /** {@return where the bytes not yet sent start in the file} */
    public long position() {
        return position;
    }

    /** {@return how many bytes are left to send} */
    public long remaining() {
        return end - position;
    }

    /**
     * Sends as much of the rest as {@code transport} takes now.
     *
     * @return the bytes sent, possibly 0
     * @throws IOException when the transfer fails, or the file ended before the region did
     */
    long transferTo(Transport transport) throws IOException {
        long sent;
        try {
            sent = transport.transferFile(file, position, end - position);
        } catch (RuntimeException e) {
            throw new IOException("cannot send the file: " + e, e); // a file not open for reading, say
        }
        if (sent > 0) {
            position += sent;
        } else if (file.size() <= position) {
            // transferTo returns 0 both for a full socket and for a file that ended: tell them apart, or spin.
            throw new IOException("the file ended at " + file.size() + " bytes, before the " + end
                    + " it was to be sent to (truncated while it was being sent)");
        }
        return sent;
    }

    /** The region is done with, sent or dropped: closes the file when it was asked to. */
    void release() {
        if (closeWhenDone) {
            try {
                file.close();
            } catch (IOException e) {
                log.debug("closing a sent file", e);
            }
        }
    }

    @Override
    public String toString() {
        return "FileRegion[" + position + ".." + end + "]";
    }
}
