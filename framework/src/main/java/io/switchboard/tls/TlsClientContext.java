package io.switchboard.tls;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's TLS configuration read from its files, making one client-mode engine per connection. Sessions
 * are cached per context by host and port, so a client that reconnects with the same context resumes its
 * session. Thread-safe.
 */
public final class TlsClientContext {
    private static final Logger log = LoggerFactory.getLogger(TlsClientContext.class);

    private final TlsClientConfig config;
    private final SSLContext context;
    private final SSLParameters parameters;
    private final TlsCounters counters = new TlsCounters();

    private TlsClientContext(TlsClientConfig config) {
        this.config = config;
        KeyManager[] keys = null;
        if (config.identity() != null) {
            keys = new KeyManager[] {new CertificateChooser(List.of(config.identity().load()), Map.of(), Map.of())};
        }
        TrustManager[] trust = {config.insecure() ? new InsecureTrust() : config.trust().load()};
        try {
            context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("the JDK cannot make a TLS context: " + e.getMessage(), e);
        }
        parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(TlsDefaults.array(config.protocols()));
        parameters.setCipherSuites(TlsDefaults.array(config.cipherSuites() == null ? TlsDefaults.cipherSuites(context)
                : TlsDefaults.cipherSuites(config.cipherSuites(), context)));
        if (!config.applicationProtocols().isEmpty()) {
            parameters.setApplicationProtocols(TlsDefaults.array(config.applicationProtocols()));
        }
        parameters.setEndpointIdentificationAlgorithm(config.hostnameVerification() ? "HTTPS" : null);
    }

    /**
     * Reads the configuration's files (trust, client certificate) and builds the context. An insecure
     * configuration is logged at warn here, once per context.
     *
     * @param config the configuration
     * @return the context
     * @throws TlsConfigException when a file cannot be read or a key does not match its certificate
     */
    public static TlsClientContext create(TlsClientConfig config) {
        if (config.insecure()) {
            log.warn("TLS client in insecure mode: any server certificate is accepted for any name; use it for test certificates only");
        }
        return new TlsClientContext(config);
    }

    /** {@return the configuration this context was built from} */
    public TlsClientConfig config() {
        return config;
    }

    /** {@return what the TLS stages of this context's connections counted: timeouts, failures, refusals} */
    public TlsCounters counters() {
        return counters;
    }

    /**
     * Makes a client-mode engine for one server. It sends the host name as SNI (unless the host is an IP
     * address) and, unless hostname verification is off, checks that the server's certificate names the host
     * (a DNS name, or an IP address for an IP literal).
     *
     * @param host the host name or IP address connected to, as the user wrote it ({@code [::1]} brackets allowed)
     * @param port the port connected to
     * @return a new engine, not yet handshaking
     */
    public SSLEngine newEngine(String host, int port) {
        String peer = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        SSLEngine engine = context.createSSLEngine(peer, port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(parameters.getProtocols());
        p.setCipherSuites(parameters.getCipherSuites());
        p.setApplicationProtocols(parameters.getApplicationProtocols());
        p.setEndpointIdentificationAlgorithm(parameters.getEndpointIdentificationAlgorithm());
        p.setServerNames(serverNames(peer));
        engine.setSSLParameters(p);
        return engine;
    }

    private static List<SNIServerName> serverNames(String host) {
        if (HostNames.isIpLiteral(host)) {
            return List.of(); // RFC 6066: literal addresses are not sent in SNI
        }
        try {
            return List.of(new SNIHostName(HostNames.normalize(host)));
        } catch (IllegalArgumentException e) {
            log.debug("host '{}' is not a valid SNI name ({}); no SNI sent", host, e.getMessage());
            return List.of();
        }
    }
}
