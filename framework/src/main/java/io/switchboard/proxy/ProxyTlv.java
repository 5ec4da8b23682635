package io.switchboard.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One type-length-value field of a PROXY v2 header: what the proxy adds besides the addresses (the ALPN protocol and
 * the server name the client asked for, a unique connection id, what the client's TLS session was). Immutable: the
 * value is copied in and out.
 *
 * @param type  the field's type, 0 to 255 (the {@code PP2_TYPE_*} constants here)
 * @param value the field's bytes
 */
public record ProxyTlv(int type, byte[] value) {
    /** {@code PP2_TYPE_ALPN}: the application protocol the client chose (TLS ALPN), as bytes. */
    public static final int ALPN = 0x01;
    /** {@code PP2_TYPE_AUTHORITY}: the host name the client asked for (TLS SNI), UTF-8. */
    public static final int AUTHORITY = 0x02;
    /** {@code PP2_TYPE_CRC32C}: the CRC32c of the whole header, checked when present. */
    public static final int CRC32C = 0x03;
    /** {@code PP2_TYPE_NOOP}: padding, ignored. */
    public static final int NOOP = 0x04;
    /** {@code PP2_TYPE_UNIQUE_ID}: an opaque id of the connection, up to 128 bytes. */
    public static final int UNIQUE_ID = 0x05;
    /** {@code PP2_TYPE_SSL}: the client's TLS connection ({@link ProxySsl}). */
    public static final int SSL = 0x20;
    /** {@code PP2_TYPE_NETNS}: the network namespace the proxy accepted in, US-ASCII. */
    public static final int NETNS = 0x30;

    /**
     * Copies the value.
     *
     * @param type  the field's type, 0 to 255
     * @param value the field's bytes
     */
    public ProxyTlv {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("TLV type must be 0 to 255, got " + type);
        }
        value = value.clone();
    }

    /** {@return a copy of the field's bytes} */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** {@return the value as UTF-8 text} */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** {@return the number of bytes in the value} */
    public int length() {
        return value.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProxyTlv other && type == other.type && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "TLV 0x" + Integer.toHexString(type) + " (" + value.length + " bytes)";
    }
}
