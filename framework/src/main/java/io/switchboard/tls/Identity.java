package io.switchboard.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Where a certificate chain and its private key are read from: PEM files (see {@link PemFiles} for the key
 * forms) or a PKCS#12 keystore. It holds paths, not keys: every {@link TlsServerContext#reload()} reads the
 * files again. When read, the key must match the leaf certificate; an expired certificate is logged at warn.
 * Immutable and thread-safe; passwords are copied in.
 */
public final class Identity {
    private final Path chain;
    private final Path key;
    private final Path keystore;
    private final char[] password;
    private final String alias;

    private Identity(Path chain, Path key, Path keystore, char[] password, String alias) {
        this.chain = chain;
        this.key = key;
        this.keystore = keystore;
        this.password = password == null ? null : password.clone();
        this.alias = alias;
    }

    /**
     * A certificate chain and an unencrypted key from PEM files (they may be the same file).
     *
     * @param chain the leaf certificate first, then the intermediate certificates
     * @param key   the private key, in PKCS#8, PKCS#1 or SEC1 form
     * @return the identity
     */
    public static Identity pem(Path chain, Path key) {
        return new Identity(Objects.requireNonNull(chain, "chain"), Objects.requireNonNull(key, "key"), null, null, null);
    }

    /**
     * A certificate chain and an encrypted PKCS#8 key from PEM files.
     *
     * @param chain    the leaf certificate first, then the intermediate certificates
     * @param key      the private key; {@code ENCRYPTED PRIVATE KEY} (the password is then used) or unencrypted
     * @param password the key's password
     * @return the identity
     */
    public static Identity pem(Path chain, Path key, char[] password) {
        return new Identity(Objects.requireNonNull(chain, "chain"), Objects.requireNonNull(key, "key"), null,
                Objects.requireNonNull(password, "password"), null);
    }

    /**
     * The one private key entry of a PKCS#12 keystore, with its certificate chain.
     *
     * @param keystore the {@code .p12} / {@code .pfx} file
     * @param password the keystore's password, also used for the key
     * @return the identity; reading it fails when the keystore holds no key entry or several
     */
    public static Identity pkcs12(Path keystore, char[] password) {
        return new Identity(null, null, Objects.requireNonNull(keystore, "keystore"), Objects.requireNonNull(password, "password"), null);
    }

    /**
     * One named private key entry of a PKCS#12 keystore, with its certificate chain.
     *
     * @param keystore the {@code .p12} / {@code .pfx} file
     * @param password the keystore's password, also used for the key
     * @param alias    the entry's alias
     * @return the identity
     */
    public static Identity pkcs12(Path keystore, char[] password, String alias) {
        return new Identity(null, null, Objects.requireNonNull(keystore, "keystore"), Objects.requireNonNull(password, "password"),
                Objects.requireNonNull(alias, "alias"));
    }

    /** {@return the files this identity is read from, for a file watch} */
    public List<Path> files() {
        return keystore != null ? List.of(keystore) : chain.equals(key) ? List.of(chain) : List.of(chain, key);
    }

    /**
     * Reads the files and checks that the key matches the certificate.
     *
     * @return the chain and key
     * @throws TlsConfigException when a file cannot be read or the key does not match
     */
    LoadedIdentity load() {
        LoadedIdentity loaded = keystore != null ? loadKeystore() : loadPem();
        KeyCheck.check(keystore != null ? keystore : key, loaded.leaf(), loaded.key(), new Date());
        return loaded;
    }

    private LoadedIdentity loadPem() {
        List<X509Certificate> certificates = PemFiles.certificates(chain);
        PrivateKey privateKey = PemFiles.privateKey(key, password);
        return new LoadedIdentity(certificates.toArray(new X509Certificate[0]), privateKey);
    }

    private LoadedIdentity loadKeystore() {
        KeyStore store;
        try (InputStream in = Files.newInputStream(keystore)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (IOException e) {
            boolean badPassword = e.getCause() instanceof UnrecoverableKeyException;
            throw new TlsConfigException(keystore, badPassword ? "wrong keystore password"
                    : "cannot be read as a PKCS#12 keystore (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(keystore, "cannot be read as a PKCS#12 keystore (" + e.getMessage() + ")", e);
        }
        try {
            String entry = alias != null ? alias : onlyKeyEntry(store);
            if (!store.isKeyEntry(entry)) {
                throw new TlsConfigException(keystore, "has no private key entry named '" + entry + "'");
            }
            Key privateKey = store.getKey(entry, password);
            Certificate[] certificates = store.getCertificateChain(entry);
            if (!(privateKey instanceof PrivateKey) || certificates == null || certificates.length == 0) {
                throw new TlsConfigException(keystore, "entry '" + entry + "' has no private key with a certificate chain");
            }
            X509Certificate[] x509 = new X509Certificate[certificates.length];
            for (int i = 0; i < certificates.length; i++) {
                x509[i] = (X509Certificate) certificates[i];
            }
            return new LoadedIdentity(x509, (PrivateKey) privateKey);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(keystore, "private key cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private String onlyKeyEntry(KeyStore store) throws GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (String name : Collections.list(store.aliases())) {
            if (store.isKeyEntry(name)) {
                keys.add(name);
            }
        }
        if (keys.size() != 1) {
            throw new TlsConfigException(keystore, keys.isEmpty() ? "has no private key entry"
                    : "has " + keys.size() + " private key entries " + keys + "; name one with Identity.pkcs12(path, password, alias)");
        }
        return keys.get(0);
    }

    /** {@return the files, for log lines; never the password} */
    @Override
    public String toString() {
        return keystore != null ? "PKCS#12 " + keystore + (alias != null ? " [" + alias + "]" : "") : "PEM " + chain + " + " + key;
    }
}
