package io.switchboard.tls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a client speaks TLS: whom it trusts, whether it checks the server's host name, what it offers in ALPN,
 * and an optional client certificate. Immutable and thread-safe; build one with {@link #builder()}, turn it into
 * engines with {@link TlsClientContext#create(TlsClientConfig)}.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link Builder#trust trust}</td><td>{@link Trust#system()}, the JDK's trust store</td></tr>
 *   <tr><td>{@link Builder#hostnameVerification hostnameVerification}</td><td>on: the certificate must name the
 *       host connected to (RFC 2818 / RFC 6125 rules, the JDK's {@code HTTPS} endpoint identification)</td></tr>
 *   <tr><td>SNI</td><td>always sent with the host name connected to, never for an IP address</td></tr>
 *   <tr><td>{@link Builder#identity identity}</td><td>none: no client certificate</td></tr>
 *   <tr><td>{@link Builder#applicationProtocols applicationProtocols}</td><td>none (no ALPN)</td></tr>
 *   <tr><td>{@link Builder#protocols protocols}</td><td>TLSv1.3, TLSv1.2</td></tr>
 *   <tr><td>{@link Builder#cipherSuites cipherSuites}</td><td>as {@link TlsServerConfig}</td></tr>
 *   <tr><td>{@link Builder#handshakeTimeout handshakeTimeout}</td><td>10 s</td></tr>
 *   <tr><td>{@link Builder#insecure() insecure}</td><td>off; when on, any certificate is accepted for any
 *       name, and a warning is logged when the context is created</td></tr>
 * </table>
 */
public final class TlsClientConfig {
    private final Trust trust;
    private final boolean hostnameVerification;
    private final boolean insecure;
    private final Identity identity;
    private final List<String> applicationProtocols;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final Duration handshakeTimeout;

    private TlsClientConfig(Builder b) {
        this.trust = b.trust;
        this.hostnameVerification = b.hostnameVerification;
        this.insecure = b.insecure;
        this.identity = b.identity;
        this.applicationProtocols = b.applicationProtocols;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.handshakeTimeout = b.handshakeTimeout;
    }

    /** {@return a builder with the defaults above} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the CAs the server's certificate must chain to (ignored when insecure)} */
    public Trust trust() {
        return trust;
    }

    /** {@return whether the server's certificate must name the host connected to (false when insecure)} */
    public boolean hostnameVerification() {
        return hostnameVerification && !insecure;
    }

    /** {@return whether any server certificate is accepted for any name} */
    public boolean insecure() {
        return insecure;
    }

    /** {@return the client certificate and key, or null for none} */
    public Identity identity() {
        return identity;
    }

    /** {@return the ALPN protocols offered, in order of preference; empty for no ALPN} */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** {@return the enabled protocol versions} */
    public List<String> protocols() {
        return protocols;
    }

    /** {@return the cipher suites set by hand, or null for the filtered JDK defaults} */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** {@return how long a handshake may take before the TLS stage closes the connection} */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** Collects the settings of a {@link TlsClientConfig}. Not thread-safe. */
    public static final class Builder {
        private Trust trust = Trust.system();
        private boolean hostnameVerification = true;
        private boolean insecure;
        private Identity identity;
        private List<String> applicationProtocols = List.of();
        private List<String> protocols = TlsDefaults.PROTOCOLS;
        private List<String> cipherSuites;
        private Duration handshakeTimeout = TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder() {
        }

        /**
         * The CAs the server's certificate must chain to (default the JDK's trust store).
         *
         * @param trust for a private CA, {@link Trust#pem(java.nio.file.Path...)}
         * @return this builder
         */
        public Builder trust(Trust trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * Whether the server's certificate must name the host connected to (default true). Turning it off lets
         * anyone with a certificate from a trusted CA impersonate the server; prefer a certificate with the right
         * names.
         *
         * @param verify false to skip the check
         * @return this builder
         */
        public Builder hostnameVerification(boolean verify) {
            this.hostnameVerification = verify;
            return this;
        }

        /**
         * Accepts any server certificate for any name: no trust check, no host name check. For self-signed test
         * certificates only; the connection is encrypted but not authenticated, so anyone on the path can read it.
         * A warning is logged when a context is created from this configuration.
         *
         * @return this builder
         */
        public Builder insecure() {
            this.insecure = true;
            return this;
        }

        /**
         * A client certificate, for servers that ask for one.
         *
         * @param identity where the chain and key are read from
         * @return this builder
         */
        public Builder identity(Identity identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /**
         * The ALPN protocols to offer, in order of preference (default none).
         *
         * @param protocols for example {@code "h2", "http/1.1"}
         * @return this builder
         * @throws TlsConfigException when a name is empty, longer than 255 bytes, or repeated
         */
        public Builder applicationProtocols(String... protocols) {
            this.applicationProtocols = Alpn.check(List.of(protocols));
            return this;
        }

        /**
         * The protocol versions to enable (default TLSv1.3 and TLSv1.2).
         *
         * @param protocols a non-empty subset of {@code TLSv1.3} and {@code TLSv1.2}
         * @return this builder
         * @throws TlsConfigException for any other version
         */
        public Builder protocols(String... protocols) {
            this.protocols = TlsDefaults.protocols(List.of(protocols));
            return this;
        }

        /**
         * The cipher suites to offer instead of the filtered JDK defaults; checked as for
         * {@link TlsServerConfig.Builder#cipherSuites}.
         *
         * @param suites JDK (IANA) suite names
         * @return this builder
         */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = List.of(suites);
            return this;
        }

        /**
         * How long a handshake may take before the TLS stage closes the connection (default 10 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = TlsServerConfig.Builder.positive(timeout, "handshakeTimeout");
            return this;
        }

        /** {@return the configuration} */
        public TlsClientConfig build() {
            return new TlsClientConfig(this);
        }
    }
}
