package io.switchboard.bench.jmh;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ceiling of one core for TLS bulk data on this JDK: {@code javax.crypto} AES/GCM/NoPadding (the SunJCE
 * provider with its AES and GHASH intrinsics, the same code the JDK's {@code SSLEngine} calls per record) encrypting
 * one record of {@code size} bytes per operation, as TLS 1.3 does: a fresh 12-byte nonce per record (the key's IV
 * XOR the sequence number), the 5-byte record header as additional data, a 16-byte tag. One thread; bytes per
 * second = operations per second × size. {@code keyBits} 256 is {@code TLS_AES_256_GCM_SHA384} (what the suite's
 * servers negotiate), 128 {@code TLS_AES_128_GCM_SHA256}; {@code buffers} says whether the plaintext and the
 * ciphertext are heap or direct {@code ByteBuffer}s (the JDK's GCM code takes a different path for each).
 * {@code decrypt} checks and decrypts one such record (the same nonce each time, which decryption allows): the same
 * arithmetic, but the JDK's GCM decryption must see the tag before it releases any plaintext.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AesGcmBenchmark {
    /** TLS 1.3's authentication tag, in bits. */
    private static final int TAG_BITS = 128;

    /** Plaintext bytes per record: a small answer, a 1 KiB one, and a full record. */
    @Param({"128", "1024", "16384"})
    public int size;

    /** AES key size. */
    @Param({"256", "128"})
    public int keyBits;

    /** Where the plaintext and the ciphertext are. */
    @Param({"heap", "direct"})
    public String buffers;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] iv = new byte[12];
    private final byte[] header = {23, 3, 3, 0, 0};
    private ByteBuffer plaintext;
    private ByteBuffer ciphertext;
    private long sequence;
    private Cipher decipher;
    private ByteBuffer sealed;
    private ByteBuffer opened;
    private GCMParameterSpec sealedNonce;

    /** Makes the key, the cipher and the buffers; checks one record against a decryption. */
    @Setup
    public void setup() throws GeneralSecurityException {
        SplittableRandom random = new SplittableRandom(11);
        byte[] k = new byte[keyBits / 8];
        random.nextBytes(k);
        random.nextBytes(iv);
        key = new SecretKeySpec(k, "AES");
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        boolean direct = buffers.equals("direct");
        plaintext = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        ciphertext = direct ? ByteBuffer.allocateDirect(size + TAG_BITS / 8) : ByteBuffer.allocate(size + TAG_BITS / 8);
        byte[] data = new byte[size];
        random.nextBytes(data);
        plaintext.put(data).flip();
        int produced = encrypt();
        if (produced != size + TAG_BITS / 8) {
            throw new IllegalStateException("a record of " + size + " bytes encrypted to " + produced);
        }
        sealedNonce = new GCMParameterSpec(TAG_BITS, nonce(sequence));
        sealed = direct ? ByteBuffer.allocateDirect(produced) : ByteBuffer.allocate(produced);
        sealed.put(ciphertext.flip()).flip();
        opened = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        decipher = Cipher.getInstance("AES/GCM/NoPadding");
        if (decrypt() != size || !opened.flip().equals(ByteBuffer.wrap(data))) {
            throw new IllegalStateException("the record did not decrypt to its plaintext");
        }
    }

    /** Checks and decrypts the record made in the setup; returns the plaintext's length. */
    @Benchmark
    public int decrypt() throws GeneralSecurityException {
        decipher.init(Cipher.DECRYPT_MODE, key, sealedNonce);
        decipher.updateAAD(header);
        sealed.rewind();
        opened.clear();
        return decipher.doFinal(sealed, opened);
    }

    /** Encrypts one record of {@code size} bytes under the next nonce; returns the ciphertext's length. */
    @Benchmark
    public int encrypt() throws GeneralSecurityException {
        sequence++;
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce(sequence)));
        cipher.updateAAD(header);
        plaintext.rewind();
        ciphertext.clear();
        return cipher.doFinal(plaintext, ciphertext);
    }

    /** TLS 1.3's per-record nonce: the IV with the sequence number XORed into its last 8 bytes. */
    private byte[] nonce(long seq) {
        byte[] n = iv.clone();
        for (int i = 0; i < 8; i++) {
            n[n.length - 1 - i] ^= (byte) (seq >>> (8 * i));
        }
        return n;
    }
}
