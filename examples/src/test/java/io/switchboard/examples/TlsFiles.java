package io.switchboard.examples;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS test certificates of src/test/resources/tls (copies of the framework's fixtures, valid until 2126), and a
 * JDK {@link SSLContext} that trusts their CA.
 */
final class TlsFiles {
    private TlsFiles() {
    }

    /** {@return the path of a fixture, for example {@code ca.pem}} */
    static Path path(String name) {
        try {
            return Path.of(TlsFiles.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return a path of a fixture as text, for a command line} */
    static String arg(String name) {
        return path(name).toString();
    }

    /** {@return the flags that make an example server serve TLS with a certificate and key of the fixtures} */
    static List<String> serverFlags(String certificate, String key) {
        return List.of("--tls-cert", arg(certificate), "--tls-key", arg(key));
    }

    /** {@return a client context of the JDK that trusts the test CA only} */
    static SSLContext trustingTestCa() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(path("ca.pem"))) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
