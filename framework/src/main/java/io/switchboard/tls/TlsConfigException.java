package io.switchboard.tls;

import java.nio.file.Path;

/**
 * A TLS setting that cannot be used: a file that cannot be read, holds no key or two keys, a key that does not
 * match its certificate, a wrong password, a protocol or cipher suite that is refused. The message names the
 * file and what was wrong with it.
 */
public final class TlsConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A problem with one file.
     *
     * @param file the file
     * @param what what was wrong with it
     */
    public TlsConfigException(Path file, String what) {
        super(file + ": " + what);
    }

    /**
     * A problem with one file, caused by another exception.
     *
     * @param file  the file
     * @param what  what was wrong with it
     * @param cause the underlying exception
     */
    public TlsConfigException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
    }

    /**
     * A problem with a setting rather than a file.
     *
     * @param message what was wrong
     */
    public TlsConfigException(String message) {
        super(message);
    }

    /**
     * A problem with a setting rather than a file, caused by another exception.
     *
     * @param message what was wrong
     * @param cause   the underlying exception
     */
    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
