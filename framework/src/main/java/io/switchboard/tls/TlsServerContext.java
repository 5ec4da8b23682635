package io.switchboard.tls;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's TLS configuration read from its files, with the means to read them again without a restart.
 *
 * <p>It holds one snapshot at a time (an {@link SSLContext} over the certificates and keys read, and the
 * {@link SSLParameters} derived from the configuration). {@link #newEngine} makes each engine from the current
 * snapshot; {@link #reload()} reads every file again, builds a new snapshot and swaps it in atomically. An
 * engine keeps the snapshot it was made from, so a reload applies to the next connection and leaves open ones
 * (and engines made but not yet handshaking) alone. TLS sessions of the old snapshot cannot be resumed after a
 * reload: each snapshot has its own session cache and ticket keys, so the first connection of each client after
 * a reload does a full handshake.
 *
 * <p>Client-initiated renegotiation: TLS 1.3 has none. For TLS 1.2 the JDK accepts a client's renegotiation
 * (RFC 5746 secure renegotiation) unless the system property {@code jdk.tls.rejectClientInitiatedRenegotiation}
 * is true; that property exists, but it is read once into a static field when the JDK's TLS classes load, so it
 * is global to the JVM, cannot be set per server and has no effect when set after the first handshake.
 * Switchboard therefore does not rely on it: the TLS stage refuses a renegotiation per engine (a handshake
 * starting again on a TLS 1.2 engine whose first handshake finished closes the connection), and this class sets
 * no system property.
 *
 * <p>Thread-safe: engines may be made on any loop while another thread reloads.
 */
public final class TlsServerContext {
    private static final Logger log = LoggerFactory.getLogger(TlsServerContext.class);

    private final TlsServerConfig config;
    private volatile Snapshot current;
    private long reloads;
    private final TlsCounters counters = new TlsCounters();

    /**
     * What one load produced.
     *
     * @param context    the JDK context over the identities and trust read
     * @param parameters the parameters every engine of this snapshot gets (never modified after creation)
     * @param chain      the default identity's chain, for {@link #certificateChain()}
     */
    private record Snapshot(SSLContext context, SSLParameters parameters, List<X509Certificate> chain) {
    }

    private TlsServerContext(TlsServerConfig config) {
        this.config = config;
        this.current = load(config);
    }

    /**
     * Reads every file of a configuration and builds the first snapshot.
     *
     * @param config the configuration
     * @return the context
     * @throws TlsConfigException when a file cannot be read, a key does not match its certificate, or a cipher
     *                            suite is unknown or refused
     */
    public static TlsServerContext create(TlsServerConfig config) {
        TlsServerContext context = new TlsServerContext(config);
        log.info("TLS server ready: {}", context.describe());
        return context;
    }

    /** {@return the configuration this context reads} */
    public TlsServerConfig config() {
        return config;
    }

    /** {@return what the TLS stages of this context's connections counted: timeouts, failures, refusals} */
    public TlsCounters counters() {
        return counters;
    }

    /**
     * Makes a server-mode engine from the current snapshot, with the configured protocols, cipher suites (the
     * server's order wins), client authentication and ALPN protocols.
     *
     * @param peerHost the peer's address as text, or null; a hint the JDK keeps with the session
     * @param peerPort the peer's port, or -1
     * @return a new engine, not yet handshaking
     */
    public SSLEngine newEngine(String peerHost, int peerPort) {
        Snapshot snapshot = current;
        SSLEngine engine = snapshot.context.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(false); // first: changing the mode resets the enabled protocols to the mode's defaults
        engine.setSSLParameters(snapshot.parameters);
        return engine;
    }

    /**
     * Reads every file again and, when all of them load, makes the new certificates, keys and trust the ones new
     * engines get. When anything fails, the previous snapshot stays in use and the error is thrown.
     *
     * @throws TlsConfigException naming the file and what was wrong with it
     */
    public synchronized void reload() {
        current = load(config); // one reload at a time, so an older read never replaces a newer one
        reloads++;
        log.info("TLS reloaded: {}", describe());
    }

    /** {@return how many reloads succeeded since creation} */
    public synchronized long reloads() {
        return reloads;
    }

    /** {@return the default identity's certificate chain in the current snapshot, the leaf first} */
    public List<X509Certificate> certificateChain() {
        return current.chain;
    }

    /**
     * Watches every file of the configuration and {@link #reload() reloads} after a change. A file counts as
     * changed when its modification time, size or identity (inode: a symbolic link swapped, as Kubernetes does
     * for mounted secrets) differs from the last check; the reload waits until the files have stayed the same for
     * one more interval, so a certificate and key written one after the other are read together. A failed reload
     * is logged at warn and the previous certificates stay in use until the files change again. Polling is used
     * rather than a {@link java.nio.file.WatchService}, which misses changes behind symbolic links and on some
     * network file systems.
     *
     * @param interval how often to look at the files, for example 10 s
     * @return the watch; close it to stop (its thread is a daemon and never keeps the JVM alive)
     */
    public FileWatch watch(Duration interval) {
        return new FileWatch(config.files(), TlsServerConfig.Builder.positive(interval, "interval"), this::reload);
    }

    private static Snapshot load(TlsServerConfig config) {
        List<LoadedIdentity> identities = new ArrayList<>();
        identities.add(config.identity().load());
        Map<String, Integer> exact = new HashMap<>();
        Map<String, Integer> wildcards = new HashMap<>();
        config.sni().forEach((name, identity) -> {
            identities.add(identity.load());
            (name.startsWith("*.") ? wildcards : exact).put(name, identities.size() - 1);
        });
        TrustManager[] trust = config.clientTrust() == null ? null : new TrustManager[] {config.clientTrust().load()};
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new CertificateChooser(identities, exact, wildcards)}, trust, null);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("the JDK cannot make a TLS context: " + e.getMessage(), e);
        }
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(TlsDefaults.array(config.protocols()));
        parameters.setCipherSuites(TlsDefaults.array(config.cipherSuites() == null ? TlsDefaults.cipherSuites(context)
                : TlsDefaults.cipherSuites(config.cipherSuites(), context)));
        parameters.setUseCipherSuitesOrder(true);
        switch (config.clientAuth()) {
            case REQUIRED -> parameters.setNeedClientAuth(true);
            case OPTIONAL -> parameters.setWantClientAuth(true);
            case NONE -> parameters.setNeedClientAuth(false);
        }
        if (!config.applicationProtocols().isEmpty()) {
            parameters.setApplicationProtocols(TlsDefaults.array(config.applicationProtocols()));
        }
        return new Snapshot(context, parameters, List.of(identities.get(0).chain()));
    }

    private String describe() {
        X509Certificate leaf = current.chain.get(0);
        StringBuilder s = new StringBuilder("certificate '").append(KeyCheck.subject(leaf)).append("' valid until ")
                .append(leaf.getNotAfter().toInstant()).append(" from ").append(config.identity());
        config.sni().forEach((name, identity) -> s.append("; ").append(name).append(" from ").append(identity));
        if (config.clientAuth() != ClientAuth.NONE) {
            s.append("; client certificates ").append(config.clientAuth()).append(" against ").append(config.clientTrust());
        }
        return s.toString();
    }
}
