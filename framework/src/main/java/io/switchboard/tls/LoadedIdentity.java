package io.switchboard.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate chain and its private key as read from files, checked to belong together.
 *
 * @param chain the leaf certificate first, then its issuers; never empty
 * @param key   the leaf certificate's private key
 */
record LoadedIdentity(X509Certificate[] chain, PrivateKey key) {
    /** {@return the leaf certificate} */
    X509Certificate leaf() {
        return chain[0];
    }
}
