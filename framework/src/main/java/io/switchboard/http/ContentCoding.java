package io.switchboard.http;

import java.util.Locale;

/**
 * The content codings the server compresses answers with and decodes request bodies in (RFC 9110 section 8.4.1):
 * {@code gzip} (RFC 1952) and {@code deflate}, which in HTTP means the zlib format (RFC 1950), not raw deflate.
 * Both are the same deflate stream in another wrapper, so one kind of raw {@link java.util.zip.Deflater} serves
 * both: the wrapper's few bytes are written here.
 */
enum ContentCoding {
    /** RFC 1952: a ten-byte header, the deflate stream, then CRC-32 and the length, little-endian. */
    GZIP("gzip"),
    /** RFC 1950: a two-byte header, the deflate stream, then Adler-32, big-endian. */
    DEFLATE("deflate");

    /** The first two bytes of a gzip member. */
    static final int GZIP_MAGIC_1 = 0x1f;
    static final int GZIP_MAGIC_2 = 0x8b;
    /** The compression method both wrappers name: deflate. */
    static final int METHOD_DEFLATE = 8;

    private final String token;

    ContentCoding(String token) {
        this.token = token;
    }

    /** {@return the coding's name in {@code Content-Encoding} and {@code Accept-Encoding}} */
    String token() {
        return token;
    }

    /** {@return the bytes of the wrapper's header} */
    int headerLength() {
        return this == GZIP ? 10 : 2;
    }

    /** {@return the bytes of the wrapper's trailer} */
    int trailerLength() {
        return this == GZIP ? 8 : 4;
    }

    /**
     * Writes the wrapper's header at {@code at}.
     *
     * @param level the deflate level, for the zlib header's hint (0 to 9)
     */
    void header(byte[] out, int at, int level) {
        if (this == GZIP) {
            out[at] = (byte) GZIP_MAGIC_1;
            out[at + 1] = (byte) GZIP_MAGIC_2;
            out[at + 2] = METHOD_DEFLATE;
            for (int i = 3; i < 9; i++) {
                out[at + i] = 0; // no flags, no modification time, no extra flags
            }
            out[at + 9] = (byte) 0xff; // operating system: unknown
        } else {
            int cmf = 0x78; // deflate with a 32 KiB window
            int flevel = level <= 1 ? 0 : level <= 5 ? 1 : level == 6 ? 2 : 3;
            int flg = flevel << 6;
            flg += 31 - (cmf * 256 + flg) % 31;
            out[at] = (byte) cmf;
            out[at + 1] = (byte) flg;
        }
    }

    /**
     * Writes the wrapper's trailer at {@code at}.
     *
     * @param checksum the CRC-32 (gzip) or Adler-32 (deflate) of the uncompressed bytes
     * @param length   the count of uncompressed bytes (gzip keeps it modulo 2^32)
     */
    void trailer(byte[] out, int at, long checksum, long length) {
        int c = (int) checksum;
        if (this == GZIP) {
            int n = (int) length;
            out[at] = (byte) c;
            out[at + 1] = (byte) (c >>> 8);
            out[at + 2] = (byte) (c >>> 16);
            out[at + 3] = (byte) (c >>> 24);
            out[at + 4] = (byte) n;
            out[at + 5] = (byte) (n >>> 8);
            out[at + 6] = (byte) (n >>> 16);
            out[at + 7] = (byte) (n >>> 24);
        } else {
            out[at] = (byte) (c >>> 24);
            out[at + 1] = (byte) (c >>> 16);
            out[at + 2] = (byte) (c >>> 8);
            out[at + 3] = (byte) c;
        }
    }

    /**
     * The coding of a request body, for a route that decodes bodies ({@link BodyPolicy#decoded()}).
     *
     * @param headers the request's header fields
     * @return the coding; null when the body is not encoded
     * @throws HttpException 415 for a coding other than gzip or deflate, or more than one
     */
    static ContentCoding ofRequest(HttpHeaders headers) {
        String value = headers.get("Content-Encoding");
        if (value == null) {
            return null;
        }
        if (headers.count("Content-Encoding") > 1) {
            throw unsupported("the body has more than one Content-Encoding; this server decodes one (gzip, deflate)");
        }
        return ofRequest(value);
    }

    /**
     * The coding a request's {@code Content-Encoding} names, for a route that decodes bodies.
     *
     * @param value the field's value
     * @return the coding; null for {@code identity}
     * @throws HttpException 415 for any other coding, or for several (a body encoded twice)
     */
    static ContentCoding ofRequest(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "gzip", "x-gzip" -> GZIP;
            case "deflate" -> DEFLATE;
            case "identity", "" -> null;
            default -> throw unsupported("the body's Content-Encoding \"" + value
                    + "\" is not one this server decodes (gzip, deflate)");
        };
    }

    /** {@return a 415 whose answer names the codings that would be taken (RFC 9110 section 15.5.16)} */
    private static HttpException unsupported(String reason) {
        return new HttpException(415, reason, new HttpHeaders().add("Accept-Encoding", "gzip, deflate"));
    }
}
