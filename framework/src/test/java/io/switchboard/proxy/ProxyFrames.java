package io.switchboard.proxy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** PROXY v2 headers built byte by byte for the tests, as HAProxy lays them out. */
final class ProxyFrames {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final ByteArrayOutputStream block = new ByteArrayOutputStream();
    private int versionCommand = 0x21;
    private int familyTransport = 0x11;
    private Integer length;
    private int crcAt = -1;

    /** A v2 PROXY header of TCP over IPv4 with no addresses yet. */
    static ProxyFrames v2() {
        return new ProxyFrames();
    }

    ProxyFrames versionCommand(int value) {
        versionCommand = value;
        return this;
    }

    ProxyFrames familyTransport(int value) {
        familyTransport = value;
        return this;
    }

    /** Overrides the length field (for malformed headers). */
    ProxyFrames length(int value) {
        length = value;
        return this;
    }

    ProxyFrames address(String ip) {
        try {
            block.writeBytes(InetAddress.getByName(ip).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
        return this;
    }

    /** An IPv4 or IPv6 address pair with ports (literals only: no lookup). */
    ProxyFrames inet(String source, String destination, int sourcePort, int destinationPort) {
        return address(source).address(destination).u16(sourcePort).u16(destinationPort);
    }

    ProxyFrames unix(String source, String destination) {
        return path(source).path(destination);
    }

    ProxyFrames path(String path) {
        byte[] bytes = new byte[108];
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, bytes, 0, name.length);
        block.writeBytes(bytes);
        return this;
    }

    ProxyFrames u16(int value) {
        block.write(value >> 8);
        block.write(value);
        return this;
    }

    ProxyFrames tlv(int type, byte[] value) {
        block.write(type);
        u16(value.length);
        block.writeBytes(value);
        return this;
    }

    ProxyFrames tlv(int type, String value) {
        return tlv(type, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A CRC32C field, filled in by {@link #bytes()}. */
    ProxyFrames crc() {
        block.write(ProxyTlv.CRC32C);
        u16(4);
        crcAt = block.size();
        block.writeBytes(new byte[4]);
        return this;
    }

    ProxyFrames raw(byte... bytes) {
        block.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        byte[] body = block.toByteArray();
        int len = length != null ? length : body.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(versionCommand);
        out.write(familyTransport);
        out.write(len >> 8);
        out.write(len);
        out.writeBytes(body);
        byte[] all = out.toByteArray();
        if (crcAt >= 0) {
            CRC32C crc = new CRC32C();
            crc.update(all);
            long value = crc.getValue();
            int at = 16 + crcAt;
            all[at] = (byte) (value >> 24);
            all[at + 1] = (byte) (value >> 16);
            all[at + 2] = (byte) (value >> 8);
            all[at + 3] = (byte) value;
        }
        return all;
    }

    /** An SSL field: client bits, verify, then sub-fields of version, CN and cipher. */
    static byte[] ssl(int client, int verify, String version, String cn, String cipher) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(client);
        out.write(verify >> 24);
        out.write(verify >> 16);
        out.write(verify >> 8);
        out.write(verify);
        sub(out, 0x21, version);
        sub(out, 0x22, cn);
        sub(out, 0x23, cipher);
        return out.toByteArray();
    }

    private static void sub(ByteArrayOutputStream out, int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(type);
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
