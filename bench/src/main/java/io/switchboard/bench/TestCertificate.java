package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The self-signed certificate the TLS scenarios of one suite run share: made by {@code openssl req -x509} in a
 * folder of the run, for {@code localhost} and {@code 127.0.0.1}, valid two days, its key in PKCS#8 (what
 * {@code openssl req -newkey} writes, and what both Switchboard's and Netty's PEM readers take). Every server of the
 * run gets the same two files. Immutable.
 *
 * @param certificate the certificate (PEM)
 * @param key         its private key (PEM, PKCS#8, unencrypted)
 * @param type        the key's algorithm
 */
record TestCertificate(Path certificate, Path key, KeyType type) {

    /**
     * The key's algorithm. P-256 is the default: the ECDSA key most deployments choose (certbot's default since
     * 2.0), and the cheaper handshake for the server (an ECDSA signature where RSA 2048 needs a private-key
     * exponentiation); RSA 2048 is the older default, for comparison.
     */
    enum KeyType {
        /** ECDSA on the NIST P-256 curve. */
        P256("p256", "ECDSA P-256", List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256")),
        /** RSA with a 2048-bit modulus. */
        RSA2048("rsa2048", "RSA 2048", List.of("-newkey", "rsa:2048"));

        private final String flag;
        private final String label;
        private final List<String> opensslArgs;

        KeyType(String flag, String label, List<String> opensslArgs) {
            this.flag = flag;
            this.label = label;
            this.opensslArgs = opensslArgs;
        }

        /** {@return the name on the command line: p256 or rsa2048} */
        String flag() {
            return flag;
        }

        /** {@return "ECDSA P-256" or "RSA 2048"} */
        String label() {
            return label;
        }

        /** The type called {@code flag} on the command line; throws for another name. */
        static KeyType byFlag(String flag) {
            for (KeyType t : values()) {
                if (t.flag.equals(flag.toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown certificate type " + flag + "; known: p256, rsa2048");
        }
    }

    /** The openssl command that writes {@code cert.pem} and {@code key.pem} of {@code type} into {@code dir}. */
    static List<String> command(Path dir, KeyType type) {
        List<String> c = new ArrayList<>(List.of("openssl", "req", "-x509"));
        c.addAll(type.opensslArgs);
        c.addAll(List.of("-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        return c;
    }

    /**
     * Makes a new certificate and key in {@code dir}.
     *
     * @throws IOException when openssl is missing or fails
     */
    static TestCertificate generate(Path dir, KeyType type) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(command(dir, type)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl could not make the test certificate: " + output);
        }
        return new TestCertificate(dir.resolve("cert.pem"), dir.resolve("key.pem"), type);
    }

    /** {@return the server flags that serve TLS with this certificate} */
    List<String> serverFlags() {
        return List.of("--tls-cert", certificate.toString(), "--tls-key", key.toString());
    }
}
