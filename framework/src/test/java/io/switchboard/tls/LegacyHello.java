package io.switchboard.tls;

import java.io.ByteArrayOutputStream;

/** A TLS 1.1 ClientHello written byte by byte, as an old client would send it. */
final class LegacyHello {
    private LegacyHello() {
    }

    /** {@return one TLS record holding a TLS 1.1 ClientHello} */
    static byte[] tls11() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x03, 0x02}); // client_version TLS 1.1
        for (int i = 0; i < 32; i++) {
            body.write(i); // random
        }
        body.write(0); // no session id
        body.writeBytes(new byte[] {0x00, 0x04, (byte) 0xC0, 0x13, 0x00, 0x2F}); // ECDHE_RSA and RSA with AES_128_CBC_SHA
        body.writeBytes(new byte[] {0x01, 0x00}); // null compression
        byte[] extensions = {
            0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17, // supported_groups: secp256r1
            0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, // ec_point_formats: uncompressed
        };
        body.writeBytes(new byte[] {0x00, (byte) extensions.length});
        body.writeBytes(extensions);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        int handshake = 4 + b.length;
        record.writeBytes(new byte[] {0x16, 0x03, 0x01, (byte) (handshake >> 8), (byte) handshake});
        record.writeBytes(new byte[] {0x01, 0x00, (byte) (b.length >> 8), (byte) b.length});
        record.writeBytes(b);
        return record.toByteArray();
    }
}
