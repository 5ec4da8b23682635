package io.switchboard.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Masking keys for a client's frames: AES-128 in counter mode, keyed once from {@link SecureRandom}, read four bytes
 * a key.
 *
 * <p>RFC 6455 section 10.3 asks that a key be unpredictable from the keys before it, so that script in a browser
 * cannot choose the bytes a proxy sees. {@code ThreadLocalRandom} (Netty's choice) does not meet that: its state is a
 * 64-bit counter advanced by a public constant, which a few outputs give away. {@code SecureRandom} does, but
 * costs a lock and, for the default {@code NativePRNG}, a read of {@code /dev/urandom} per call. A block cipher in
 * counter mode under a secret random key is a standard cryptographically secure generator: one call fills 1 KiB, 256
 * keys, at AES-NI speed, without blocking (the seed is read once, from the non-blocking source) and without a lock
 * (one generator per loop). Loop thread only.
 */
final class MaskKeys {
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final int BATCH = 1024;

    private final Cipher cipher;
    private final byte[] zeros = new byte[BATCH];
    private final byte[] stream = new byte[BATCH];
    private int at = BATCH;

    MaskKeys() {
        SecureRandom seed = new SecureRandom();
        byte[] key = new byte[16];
        byte[] counter = new byte[16];
        seed.nextBytes(key);
        seed.nextBytes(counter);
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is missing from this JDK", e);
        }
    }

    /** {@return the next key} */
    int next() {
        if (at == BATCH) {
            try {
                cipher.update(zeros, 0, BATCH, stream, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            at = 0;
        }
        int key = (int) INTS.get(stream, at);
        at += 4;
        return key;
    }
}
