package io.switchboard.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads certificates and private keys from PEM files with the JDK alone.
 *
 * <p>Private keys may be in any of the forms openssl writes:
 * <ul>
 *   <li>{@code BEGIN PRIVATE KEY}: PKCS#8 (openssl 3 {@code genrsa}, {@code genpkey}, {@code pkcs8 -topk8 -nocrypt});</li>
 *   <li>{@code BEGIN RSA PRIVATE KEY}: PKCS#1 ({@code genrsa -traditional}, {@code rsa -traditional}, openssl 1.x);</li>
 *   <li>{@code BEGIN EC PRIVATE KEY}: SEC1 ({@code ecparam -genkey}), on a named curve such as P-256 or P-384;</li>
 *   <li>{@code BEGIN ENCRYPTED PRIVATE KEY}: encrypted PKCS#8 ({@code pkcs8 -topk8}), with a password.</li>
 * </ul>
 * A file may hold certificates and a key together (as nginx and HAProxy allow): reading certificates skips the
 * key and reading the key skips the certificates. {@code EC PARAMETERS} blocks (which {@code ecparam -genkey}
 * writes before the key) are skipped. Any other block type is an error, as is the legacy openssl encryption of
 * traditional keys ({@code Proc-Type: 4,ENCRYPTED}). Thread-safe (no state).
 */
public final class PemFiles {
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PKCS8 = "PRIVATE KEY";
    private static final String PKCS1 = "RSA PRIVATE KEY";
    private static final String SEC1 = "EC PRIVATE KEY";
    private static final String ENCRYPTED = "ENCRYPTED PRIVATE KEY";
    private static final String EC_PARAMETERS = "EC PARAMETERS";
    private static final Set<String> KEYS = Set.of(PKCS8, PKCS1, SEC1, ENCRYPTED);

    private PemFiles() {
    }

    /**
     * Reads every certificate of a file, in file order (for a chain: the leaf first, then its issuers).
     *
     * @param file a PEM file with at least one {@code CERTIFICATE} block
     * @return the certificates
     * @throws TlsConfigException when the file cannot be read, holds no certificate, holds a block of an unknown
     *                            type, or a certificate cannot be decoded
     */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        for (PemBlock block : blocks(file)) {
            if (block.type().equals(CERTIFICATE)) {
                try {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                } catch (CertificateException e) {
                    throw new TlsConfigException(file, "certificate " + (certificates.size() + 1) + " cannot be decoded: "
                            + e.getMessage(), e);
                }
            } else if (!KEYS.contains(block.type()) && !block.type().equals(EC_PARAMETERS)) {
                throw unknown(file, block);
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsConfigException(file, "no certificate found (expected a '-----BEGIN CERTIFICATE-----' block)");
        }
        return List.copyOf(certificates);
    }

    /**
     * Reads the one private key of a file.
     *
     * @param file     a PEM file with exactly one private key block
     * @param password the password of an encrypted key, or null when the key is not encrypted
     * @return the key
     * @throws TlsConfigException when the file cannot be read, holds no key or two, holds a block of an unknown
     *                            type, or the key cannot be decoded or decrypted
     */
    public static PrivateKey privateKey(Path file, char[] password) {
        PemBlock key = null;
        for (PemBlock block : blocks(file)) {
            if (KEYS.contains(block.type())) {
                if (key != null) {
                    throw new TlsConfigException(file, "two private keys found ('" + key.type() + "' and '" + block.type()
                            + "'); put one key in each file");
                }
                key = block;
            } else if (!block.type().equals(CERTIFICATE) && !block.type().equals(EC_PARAMETERS)) {
                throw unknown(file, block);
            }
        }
        if (key == null) {
            throw new TlsConfigException(file, "no private key found (expected a '-----BEGIN PRIVATE KEY-----', 'RSA PRIVATE KEY', "
                    + "'EC PRIVATE KEY' or 'ENCRYPTED PRIVATE KEY' block)");
        }
        if (key.encrypted()) {
            throw new TlsConfigException(file, "'" + key.type() + "' uses the legacy openssl encryption (Proc-Type header), which"
                    + " the JDK cannot read; convert it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'");
        }
        return switch (key.type()) {
            case PKCS8 -> PrivateKeys.pkcs8(file, key.der());
            case PKCS1 -> PrivateKeys.pkcs1(file, key.der());
            case SEC1 -> PrivateKeys.sec1(file, key.der());
            default -> PrivateKeys.encrypted(file, key.der(), password);
        };
    }

    private static List<PemBlock> blocks(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsConfigException(file, "cannot be read (" + e + ")", e);
        }
        List<PemBlock> blocks = PemBlock.parse(file, bytes);
        if (blocks.isEmpty()) {
            throw new TlsConfigException(file, "not a PEM file (no '-----BEGIN ...-----' line)");
        }
        return blocks;
    }

    private static TlsConfigException unknown(Path file, PemBlock block) {
        return new TlsConfigException(file, "unexpected PEM block '" + block.type() + "' (known: CERTIFICATE, PRIVATE KEY,"
                + " RSA PRIVATE KEY, EC PRIVATE KEY, ENCRYPTED PRIVATE KEY, EC PARAMETERS)");
    }
}
