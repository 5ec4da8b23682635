package io.switchboard.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a certificate and its private key before they are used: the key must be the certificate's (a
 * signature made with the key must verify with the certificate's public key), and a certificate outside its
 * validity period is logged at warn (it still loads: replacing it is the operator's call, and a reload can do
 * it without a restart).
 */
final class KeyCheck {
    private static final Logger log = LoggerFactory.getLogger(KeyCheck.class);
    private static final byte[] CHALLENGE = "switchboard key check".getBytes(StandardCharsets.US_ASCII);

    private KeyCheck() {
    }

    /**
     * Checks that a key belongs to a certificate, and warns when the certificate is out of date.
     *
     * @param file        the file named in errors (the key's)
     * @param certificate the leaf certificate
     * @param key         the private key
     * @param now         the time to check validity against
     * @throws TlsConfigException when the key does not match the certificate's public key
     */
    static void check(Path file, X509Certificate certificate, PrivateKey key, Date now) {
        PublicKey publicKey = certificate.getPublicKey();
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            throw mismatch(file, certificate, key.getAlgorithm() + " key for a " + publicKey.getAlgorithm() + " certificate");
        }
        String signature = signatureFor(key.getAlgorithm());
        if (signature != null) {
            try {
                Signature signer = Signature.getInstance(signature);
                signer.initSign(key);
                signer.update(CHALLENGE);
                byte[] signed = signer.sign();
                Signature verifier = Signature.getInstance(signature);
                verifier.initVerify(publicKey);
                verifier.update(CHALLENGE);
                if (!verifier.verify(signed)) {
                    throw mismatch(file, certificate, "a signature made with the key does not verify with the certificate");
                }
            } catch (GeneralSecurityException e) {
                throw mismatch(file, certificate, e.getMessage());
            }
        }
        try {
            certificate.checkValidity(now);
        } catch (CertificateExpiredException e) {
            log.warn("{}: certificate '{}' expired on {}; clients will refuse it", file, subject(certificate), certificate.getNotAfter());
        } catch (CertificateNotYetValidException e) {
            log.warn("{}: certificate '{}' is not valid before {}; clients will refuse it", file, subject(certificate),
                    certificate.getNotBefore());
        }
    }

    private static String signatureFor(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> keyAlgorithm;
            default -> null; // RSASSA-PSS needs parameters; the algorithm check above is what is left
        };
    }

    private static TlsConfigException mismatch(Path file, X509Certificate certificate, String detail) {
        return new TlsConfigException(file, "private key does not match the certificate '" + subject(certificate) + "' (" + detail + ")");
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
