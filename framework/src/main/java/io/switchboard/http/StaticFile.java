package io.switchboard.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One representation of a static file as it was when the request was decided: its real path, length and
 * modification time, and the validators made of them. The entity tag is strong, as nginx's is
 * ({@code "<mtime>-<length>"}, in hex, the time in milliseconds, with {@code -gz} for the precompressed
 * representation, so the two never share a tag): the bytes of a file do not change without its time or length
 * changing, and only a strong tag lets {@code If-Range} resume a download by tag. {@code Last-Modified} has whole
 * seconds. Immutable.
 *
 * @param path     the real path, inside the root
 * @param size     the length in bytes
 * @param modified the modification time, in milliseconds since the epoch
 * @param key      the file's identity ({@link BasicFileAttributes#fileKey()}: device and inode on Unix), or null
 * @param encoding the content coding of the bytes ({@code gzip} for a precompressed sibling), or null for none
 */
record StaticFile(Path path, long size, long modified, Object key, String encoding) {

    /** The representation of the regular file at {@code path}, from its attributes. */
    static StaticFile of(Path path, BasicFileAttributes attrs, String encoding) {
        return new StaticFile(path, attrs.size(), attrs.lastModifiedTime().toMillis(), attrs.fileKey(), encoding);
    }

    /** {@return the strong entity tag, quoted} */
    String etag() {
        return "\"" + Long.toHexString(modified) + "-" + Long.toHexString(size) + (encoding == null ? "" : "-gz") + "\"";
    }

    /** {@return the modification time in whole seconds, as {@code Last-Modified} says it} */
    long modifiedSeconds() {
        return Math.floorDiv(modified, 1000);
    }

    /**
     * Opens the file when its answer's turn comes, and makes sure it is still the file the answer was decided for
     * (the same file, length and time): a file replaced or changed in between would not match the head already
     * chosen. Symbolic links are not followed (the path is real already).
     *
     * @return the open file
     * @throws HttpException 404 when it is gone, 403 when it cannot be read, 503 when it changed since
     * @throws IOException   any other failure
     */
    FileChannel open() throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new HttpException(404, "no such file");
        } catch (AccessDeniedException e) {
            throw new HttpException(403, "the file cannot be read");
        }
        try {
            BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (channel.size() != size || now.lastModifiedTime().toMillis() != modified
                    || !Objects.equals(now.fileKey(), key)) {
                throw new HttpException(503, "the file changed while it was being answered; try again");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
