package io.switchboard.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/** Compressing and decompressing with the JDK's own streams, as a client would, for tests. */
final class Gzip {
    private Gzip() {
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** zlib format (RFC 1950), what HTTP calls deflate. */
    static byte[] zlib(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Raw deflate, which some clients send as deflate. */
    static byte[] rawDeflate(byte[] bytes) {
        Deflater d = new Deflater(6, true);
        d.setInput(bytes);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return z.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] unzlib(byte[] bytes) {
        try (InflaterInputStream z = new InflaterInputStream(new ByteArrayInputStream(bytes))) {
            return z.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a client can decode of a gzip stream that has not ended yet: the deflate data after the 10-byte header,
     * inflated as far as it goes (a sync flush makes everything before it decodable).
     */
    static byte[] gunzipSoFar(byte[] partial) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(partial, 10, partial.length - 10);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = inflater.inflate(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new AssertionError("not deflate data", e);
        } finally {
            inflater.end();
        }
    }

    /**
     * A JSON array of user records of exactly {@code size} bytes: compressible as API answers are (about 6 to 1 at
     * level 6), with numbers that vary so that it is not trivially repetitive.
     */
    static byte[] json(int size) {
        StringBuilder b = new StringBuilder(size + 200).append('[');
        for (int i = 0; b.length() < size; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"user ").append(i * 7919 % 10007)
                    .append("\",\"email\":\"user").append(i * 31 % 997).append("@example.com\",\"active\":")
                    .append(i % 3 != 0).append(",\"score\":").append(i * 104729 % 1000).append('}');
        }
        String s = b.substring(0, size - 1) + "]";
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
