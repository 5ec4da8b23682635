package io.switchboard.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which certificate authorities a peer's certificate must chain to: the JDK's default trust store (the
 * {@code cacerts} of the running JDK, or what {@code javax.net.ssl.trustStore} names), or the certificates of
 * PEM files (every {@code CERTIFICATE} block of each file is a trusted anchor). PEM files are read again on each
 * {@link TlsServerContext#reload()}. Chains are checked by the JDK's PKIX validator. Immutable and thread-safe.
 */
public final class Trust {
    private final List<Path> files;

    private Trust(List<Path> files) {
        this.files = files;
    }

    /** {@return trust in the JDK's default trust store} */
    public static Trust system() {
        return new Trust(List.of());
    }

    /**
     * Trust in the certificates of PEM files, and in nothing else.
     *
     * @param files PEM files, each with at least one {@code CERTIFICATE} block
     * @return the trust
     * @throws IllegalArgumentException when no file is given
     */
    public static Trust pem(Path... files) {
        if (files.length == 0) {
            throw new IllegalArgumentException("at least one CA file is needed");
        }
        return new Trust(List.of(files));
    }

    /** {@return the PEM files read, for a file watch; empty for the JDK's trust store} */
    public List<Path> files() {
        return files;
    }

    /**
     * Reads the files and builds the JDK's trust manager over them.
     *
     * @return the trust manager
     * @throws TlsConfigException when a file cannot be read or holds no certificate
     */
    X509ExtendedTrustManager load() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (files.isEmpty()) {
                factory.init((KeyStore) null);
            } else {
                KeyStore anchors = KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                int n = 0;
                for (Path file : files) {
                    for (X509Certificate certificate : PemFiles.certificates(file)) {
                        anchors.setCertificateEntry("ca-" + n++, certificate);
                    }
                }
                factory.init(anchors);
            }
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new TlsConfigException("the JDK's trust manager factory made no X509ExtendedTrustManager");
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsConfigException("cannot build trust from " + this + ": " + e.getMessage(), e);
        }
    }

    /** {@return the files, or "JDK default trust store"} */
    @Override
    public String toString() {
        return files.isEmpty() ? "JDK default trust store" : "CA files " + files;
    }
}
