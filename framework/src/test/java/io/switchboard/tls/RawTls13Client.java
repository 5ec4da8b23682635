package io.switchboard.tls;

import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A TLS 1.3 client made by hand (RFC 8446: x25519, TLS_AES_128_GCM_SHA256, no certificate check), for tests that
 * must send what no real client sends: empty records, several KeyUpdates in one record, any record of any type
 * under the connection's keys. It handshakes with a server stage on an embedded connection, then makes records the
 * test feeds to it.
 */
final class RawTls13Client {
    private static final int HANDSHAKE = 22;
    private static final int APPLICATION_DATA = 23;
    private static final byte[] NO_HASH = sha256(new byte[0]);

    private final EmbeddedConnection server;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private byte[] writeSecret;
    private long writeSequence;
    private byte[] readKey;
    private byte[] readIv;
    private long readSequence;

    private RawTls13Client(EmbeddedConnection server) {
        this.server = server;
    }

    /**
     * Runs a handshake with the server stage of {@code server}; its handlers see it complete.
     *
     * @param server an embedded connection whose first handler is a server {@link TlsHandler}
     * @return the client, ready to make application records
     */
    static RawTls13Client handshake(EmbeddedConnection server) throws GeneralSecurityException {
        RawTls13Client client = new RawTls13Client(server);
        client.run();
        return client;
    }

    /** {@return one record of {@code type} (23 for application data, 22 for handshake, 21 for an alert) carrying {@code content}} */
    byte[] record(int type, byte[] content) throws GeneralSecurityException {
        byte[] key = expandLabel(writeSecret, "key", new byte[0], 16);
        byte[] iv = expandLabel(writeSecret, "iv", new byte[0], 12);
        return seal(key, iv, writeSequence++, type, content);
    }

    /** {@return a KeyUpdate message asking the peer to update its keys too} */
    static byte[] keyUpdate() {
        return new byte[] {24, 0, 0, 1, 1};
    }

    /** Moves to the next write keys, as after sending a KeyUpdate. */
    void updateWriteKeys() {
        writeSecret = expandLabel(writeSecret, "traffic upd", new byte[0], 32);
        writeSequence = 0;
    }

    private void run() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
        KeyPair share = generator.generateKeyPair();
        byte[] hello = clientHello(littleEndian(((XECPublicKey) share.getPublic()).getU()));
        transcript.writeBytes(hello);
        server.feed(plainRecord(HANDSHAKE, hello));
        ByteBuffer flight = ByteBuffer.wrap(server.takeWritten());

        // ServerHello, in the clear.
        byte[] serverHello = nextPlainRecord(flight, HANDSHAKE);
        transcript.writeBytes(serverHello);
        byte[] serverShare = serverKeyShare(serverHello);
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(share.getPrivate());
        agreement.doPhase(KeyFactory.getInstance("X25519").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                new BigInteger(1, reverse(masked(serverShare))))), true);
        byte[] shared = agreement.generateSecret();

        byte[] early = extract(new byte[32], new byte[32]);
        byte[] handshakeSecret = extract(expandLabel(early, "derived", NO_HASH, 32), shared);
        byte[] helloHash = sha256(transcript.toByteArray());
        byte[] clientHandshake = expandLabel(handshakeSecret, "c hs traffic", helloHash, 32);
        byte[] serverHandshake = expandLabel(handshakeSecret, "s hs traffic", helloHash, 32);
        readKey = expandLabel(serverHandshake, "key", new byte[0], 16);
        readIv = expandLabel(serverHandshake, "iv", new byte[0], 12);

        // EncryptedExtensions, Certificate, CertificateVerify, Finished: read up to the server's Finished.
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        while (true) {
            byte[] bytes = messages.toByteArray();
            int at = 0;
            boolean finished = false;
            while (bytes.length - at >= 4) {
                int length = (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | bytes[at + 3] & 0xff;
                if (bytes.length - at < 4 + length) {
                    break;
                }
                transcript.write(bytes, at, 4 + length);
                finished = bytes[at] == 20;
                at += 4 + length;
            }
            messages.reset();
            messages.write(bytes, at, bytes.length - at);
            if (finished) {
                break;
            }
            messages.writeBytes(nextSealedRecord(flight));
        }
        byte[] throughServerFinished = sha256(transcript.toByteArray());
        byte[] master = extract(expandLabel(handshakeSecret, "derived", NO_HASH, 32), new byte[32]);

        byte[] finishedKey = expandLabel(clientHandshake, "finished", new byte[0], 32);
        byte[] verify = hmac(finishedKey, throughServerFinished);
        byte[] finished = new byte[4 + 32];
        finished[0] = 20;
        finished[3] = 32;
        System.arraycopy(verify, 0, finished, 4, 32);
        server.feed(seal(expandLabel(clientHandshake, "key", new byte[0], 16),
                expandLabel(clientHandshake, "iv", new byte[0], 12), 0, HANDSHAKE, finished));
        server.takeWritten(); // the session ticket
        writeSecret = expandLabel(master, "c ap traffic", throughServerFinished, 32);
    }

    private static byte[] clientHello(byte[] publicKey) {
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extension(extensions, 0x002b, new byte[] {2, 3, 4}); // supported_versions: TLS 1.3
        extension(extensions, 0x000a, new byte[] {0, 2, 0, 0x1d}); // supported_groups: x25519
        extension(extensions, 0x000d, new byte[] {0, 6, 4, 3, 8, 4, 4, 1}); // signature_algorithms
        byte[] share = new byte[2 + 2 + 2 + 32];
        share[1] = 36;
        share[3] = 0x1d;
        share[5] = 32;
        System.arraycopy(publicKey, 0, share, 6, 32);
        extension(extensions, 0x0033, share); // key_share
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 3});
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no legacy session id: the server sends no ChangeCipherSpec
        body.writeBytes(new byte[] {0, 2, 0x13, 0x01}); // TLS_AES_128_GCM_SHA256
        body.writeBytes(new byte[] {1, 0});
        byte[] ext = extensions.toByteArray();
        body.write(ext.length >> 8);
        body.write(ext.length);
        body.writeBytes(ext);
        return message(1, body.toByteArray());
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        out.write(type >> 8);
        out.write(type);
        out.write(data.length >> 8);
        out.write(data.length);
        out.writeBytes(data);
    }

    private static byte[] message(int type, byte[] body) {
        byte[] m = new byte[4 + body.length];
        m[0] = (byte) type;
        m[1] = (byte) (body.length >> 16);
        m[2] = (byte) (body.length >> 8);
        m[3] = (byte) body.length;
        System.arraycopy(body, 0, m, 4, body.length);
        return m;
    }

    private static byte[] serverKeyShare(byte[] serverHello) {
        ByteBuffer b = ByteBuffer.wrap(serverHello);
        b.position(4 + 2 + 32);
        b.position(b.position() + 1 + (b.get(b.position()) & 0xff)); // session id echo
        if (b.getShort() != 0x1301) {
            throw new AssertionError("the server chose another suite");
        }
        b.get(); // compression
        int end = (b.getShort() & 0xffff) + b.position();
        while (b.position() < end) {
            int type = b.getShort() & 0xffff;
            int length = b.getShort() & 0xffff;
            if (type == 0x0033) {
                b.getShort(); // group
                byte[] key = new byte[b.getShort() & 0xffff];
                b.get(key);
                return key;
            }
            b.position(b.position() + length);
        }
        throw new AssertionError("no key share in the ServerHello (a HelloRetryRequest?)");
    }

    private static byte[] plainRecord(int type, byte[] content) {
        byte[] r = new byte[5 + content.length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 1;
        r[3] = (byte) (content.length >> 8);
        r[4] = (byte) content.length;
        System.arraycopy(content, 0, r, 5, content.length);
        return r;
    }

    private static byte[] nextPlainRecord(ByteBuffer flight, int type) {
        while (true) {
            int recordType = flight.get();
            flight.getShort();
            byte[] content = new byte[flight.getShort() & 0xffff];
            flight.get(content);
            if (recordType == type) {
                return content;
            }
        }
    }

    /** The next encrypted record's handshake content (a ChangeCipherSpec before it is skipped). */
    private byte[] nextSealedRecord(ByteBuffer flight) throws GeneralSecurityException {
        while (true) {
            byte[] header = new byte[5];
            flight.get(header);
            byte[] sealed = new byte[(header[3] & 0xff) << 8 | header[4] & 0xff];
            flight.get(sealed);
            if (header[0] != APPLICATION_DATA) {
                continue;
            }
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(readKey, "AES"), new GCMParameterSpec(128, nonce(readIv, readSequence++)));
            gcm.updateAAD(header);
            byte[] inner = gcm.doFinal(sealed);
            int end = inner.length - 1;
            while (inner[end] == 0) {
                end--;
            }
            if (inner[end] != HANDSHAKE) {
                throw new AssertionError("expected a handshake record, got type " + inner[end]);
            }
            return Arrays.copyOf(inner, end);
        }
    }

    private static byte[] seal(byte[] key, byte[] iv, long sequence, int type, byte[] content) throws GeneralSecurityException {
        byte[] inner = Arrays.copyOf(content, content.length + 1);
        inner[content.length] = (byte) type;
        int length = inner.length + 16;
        byte[] header = {APPLICATION_DATA, 3, 3, (byte) (length >> 8), (byte) length};
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce(iv, sequence)));
        gcm.updateAAD(header);
        byte[] sealed = gcm.doFinal(inner);
        byte[] record = Arrays.copyOf(header, 5 + sealed.length);
        System.arraycopy(sealed, 0, record, 5, sealed.length);
        return record;
    }

    private static byte[] nonce(byte[] iv, long sequence) {
        byte[] nonce = iv.clone();
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] ^= (byte) (sequence >>> (8 * i));
        }
        return nonce;
    }

    private static byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt, ikm);
    }

    private static byte[] expandLabel(byte[] secret, String label, byte[] context, int length) {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write(length >> 8);
        info.write(length);
        info.write(full.length);
        info.writeBytes(full);
        info.write(context.length);
        info.writeBytes(context);
        info.write(1);
        return Arrays.copyOf(hmac(secret, info.toByteArray()), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] littleEndian(BigInteger u) {
        byte[] big = u.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < big.length; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }

    /** The peer's u-coordinate with its top bit cleared (RFC 7748, section 5). */
    private static byte[] masked(byte[] u) {
        byte[] m = u.clone();
        m[31] &= 0x7f;
        return m;
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] r = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            r[i] = bytes[bytes.length - 1 - i];
        }
        return r;
    }
}
