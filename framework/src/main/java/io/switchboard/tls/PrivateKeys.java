package io.switchboard.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Turns the private key forms openssl writes into JDK keys: PKCS#8 as is, PKCS#1 RSA and SEC1 EC by wrapping
 * them in a PKCS#8 structure built by hand, encrypted PKCS#8 by decrypting it with the JDK's password-based
 * ciphers (PBES2 with PBKDF2 and AES, openssl's default, and the PBES1 schemes the JDK knows).
 */
final class PrivateKeys {
    /** PKCS#8 algorithm identifiers to {@link KeyFactory} names. */
    private static final Map<String, String> ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.2.840.10040.4.1", "DSA");

    private PrivateKeys() {
    }

    /**
     * Reads a PKCS#8 PrivateKeyInfo.
     *
     * @param file where it came from, for error messages
     * @param der  the PrivateKeyInfo
     * @return the key
     * @throws TlsConfigException when the structure is malformed or names an algorithm the JDK cannot load
     */
    static PrivateKey pkcs8(Path file, byte[] der) {
        String oid;
        try {
            List<Der.Element> info = Der.read(der).children();
            Der.Element algorithm = info.get(1).children().get(0);
            if (algorithm.tag() != Der.OID) {
                throw new IllegalArgumentException("no algorithm identifier");
            }
            oid = Der.dotted(algorithm.value());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new TlsConfigException(file, "PKCS#8 private key is malformed (" + e.getMessage() + ")", e);
        }
        String name = ALGORITHMS.get(oid);
        if (name == null) {
            throw new TlsConfigException(file, "private key algorithm " + oid + " is not supported (RSA, EC, Ed25519, Ed448, DSA are)");
        }
        try {
            return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(file, name + " private key cannot be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a PKCS#1 RSAPrivateKey ({@code BEGIN RSA PRIVATE KEY}).
     *
     * @param file where it came from, for error messages
     * @param der  the RSAPrivateKey
     * @return the key
     * @throws TlsConfigException when the structure is malformed
     */
    static PrivateKey pkcs1(Path file, byte[] der) {
        try {
            Der.read(der).children();
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException(file, "PKCS#1 RSA private key is malformed (" + e.getMessage() + ")", e);
        }
        byte[] algorithm = Der.write(Der.SEQUENCE, Der.write(Der.OID, Der.RSA_ENCRYPTION), Der.write(Der.NULL));
        return pkcs8(file, Der.write(Der.SEQUENCE, Der.write(Der.INTEGER, new byte[] {0}), algorithm, Der.write(Der.OCTET_STRING, der)));
    }

    /**
     * Reads a SEC1 ECPrivateKey ({@code BEGIN EC PRIVATE KEY}); its curve is the named curve in its parameters.
     *
     * @param file where it came from, for error messages
     * @param der  the ECPrivateKey
     * @return the key
     * @throws TlsConfigException when the structure is malformed, has no named curve, or names a curve the JDK lacks
     */
    static PrivateKey sec1(Path file, byte[] der) {
        Der.Element curve = null;
        try {
            List<Der.Element> fields = Der.read(der).children();
            if (fields.size() < 2 || fields.get(0).tag() != Der.INTEGER || !Arrays.equals(fields.get(0).value(), new byte[] {1})
                    || fields.get(1).tag() != Der.OCTET_STRING) {
                throw new IllegalArgumentException("not version 1 with a private key octet string");
            }
            for (Der.Element field : fields) {
                if (field.tag() == Der.CONTEXT_0) {
                    curve = field.children().get(0);
                }
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new TlsConfigException(file, "SEC1 EC private key is malformed (" + e.getMessage() + ")", e);
        }
        if (curve == null) {
            throw new TlsConfigException(file, "SEC1 EC private key names no curve (write it with 'openssl ec -param_enc named_curve')");
        }
        if (curve.tag() != Der.OID) {
            throw new TlsConfigException(file, "SEC1 EC private key has explicit curve parameters; only named curves are supported"
                    + " (convert with 'openssl ec -param_enc named_curve')");
        }
        byte[] algorithm = Der.write(Der.SEQUENCE, Der.write(Der.OID, Der.EC_PUBLIC_KEY), curve.encoded());
        byte[] pkcs8 = Der.write(Der.SEQUENCE, Der.write(Der.INTEGER, new byte[] {0}), algorithm, Der.write(Der.OCTET_STRING, der));
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(file, "EC private key on curve " + Der.dotted(curve.value())
                    + " cannot be loaded (P-256 and P-384 can): " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts a PKCS#8 EncryptedPrivateKeyInfo ({@code BEGIN ENCRYPTED PRIVATE KEY}).
     *
     * @param file     where it came from, for error messages
     * @param der      the EncryptedPrivateKeyInfo
     * @param password the password; null when none was configured
     * @return the key
     * @throws TlsConfigException when no password was given, the password is wrong, or the JDK lacks the scheme
     */
    static PrivateKey encrypted(Path file, byte[] der, char[] password) {
        if (password == null) {
            throw new TlsConfigException(file, "private key is encrypted and no password was configured");
        }
        EncryptedPrivateKeyInfo info;
        String scheme;
        try {
            info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters parameters = info.getAlgParameters();
            // For PBES2 the JDK names the real scheme (PBEWithHmacSHA256AndAES_256) only through the parameters.
            scheme = parameters != null ? parameters.toString() : info.getAlgName();
            if (scheme == null || scheme.startsWith("PBES2")) {
                throw new NoSuchAlgorithmException("PBES2 with a PRF or cipher the JDK does not name");
            }
            SecretKeyFactory factory = SecretKeyFactory.getInstance(scheme);
            Cipher cipher = Cipher.getInstance(scheme);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)), parameters);
            return pkcs8(file, info.getKeySpec(cipher).getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new TlsConfigException(file, "private key is encrypted with a scheme this JDK cannot decrypt (" + e.getMessage()
                    + "); re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256'", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsConfigException(file, "encrypted private key cannot be decrypted: wrong password or damaged file", e);
        }
    }
}
