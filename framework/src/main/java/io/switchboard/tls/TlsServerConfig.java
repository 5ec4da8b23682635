package io.switchboard.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a server speaks TLS: its certificates, whom it trusts for client certificates, protocols, cipher suites,
 * ALPN and the limits the TLS stage applies. Immutable and thread-safe; build one with {@link #builder()}, turn it
 * into engines with {@link TlsServerContext#create(TlsServerConfig)}.
 *
 * <pre>{@code
 * TlsServerConfig config = TlsServerConfig.builder()
 *         .identity(Identity.pem(Path.of("server.pem"), Path.of("server.key")))
 *         .sni("api.example.com", Identity.pem(Path.of("api.pem"), Path.of("api.key")))
 *         .applicationProtocols("http/1.1")
 *         .build();
 * }</pre>
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link Builder#identity identity}</td><td>required: the certificate for clients that send no SNI
 *       or a name no {@link Builder#sni sni} entry matches</td></tr>
 *   <tr><td>{@link Builder#sni sni}</td><td>none; exact names and {@code *.domain} wildcards (one label)</td></tr>
 *   <tr><td>{@link Builder#clientAuth clientAuth}</td><td>{@link ClientAuth#NONE}</td></tr>
 *   <tr><td>{@link Builder#clientTrust clientTrust}</td><td>none; required when client authentication is on
 *       (the JDK's public CAs are no basis for trusting clients)</td></tr>
 *   <tr><td>{@link Builder#protocols protocols}</td><td>TLSv1.3, TLSv1.2 (nothing older can be set)</td></tr>
 *   <tr><td>{@link Builder#cipherSuites cipherSuites}</td><td>the JDK's TLS 1.3 suites and its forward-secret
 *       AEAD TLS 1.2 suites, in the JDK's order; the server's order wins</td></tr>
 *   <tr><td>{@link Builder#applicationProtocols applicationProtocols}</td><td>none (no ALPN); when set, the
 *       server picks the first of its own list that the client offers</td></tr>
 *   <tr><td>{@link Builder#handshakeTimeout handshakeTimeout}</td><td>10 s from accept to the end of the
 *       handshake</td></tr>
 * </table>
 */
public final class TlsServerConfig {
    /** Default {@link Builder#handshakeTimeout}: 10 s, as Netty's SslHandler. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Identity identity;
    private final Map<String, Identity> sni;
    private final ClientAuth clientAuth;
    private final Trust clientTrust;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> applicationProtocols;
    private final Duration handshakeTimeout;

    private TlsServerConfig(Builder b) {
        this.identity = b.identity;
        this.sni = Collections.unmodifiableMap(new LinkedHashMap<>(b.sni));
        this.clientAuth = b.clientAuth;
        this.clientTrust = b.clientTrust;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.applicationProtocols = b.applicationProtocols;
        this.handshakeTimeout = b.handshakeTimeout;
    }

    /** {@return a builder with the defaults above; an identity must be set} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the default certificate and key} */
    public Identity identity() {
        return identity;
    }

    /** {@return normalized host names and {@code *.domain} wildcards to their certificates, in the order added} */
    public Map<String, Identity> sni() {
        return sni;
    }

    /** {@return whether client certificates are asked for} */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** {@return the CAs client certificates must chain to, or null when none were set} */
    public Trust clientTrust() {
        return clientTrust;
    }

    /** {@return the enabled protocol versions} */
    public List<String> protocols() {
        return protocols;
    }

    /** {@return the cipher suites set by hand in order of preference, or null for the filtered JDK defaults} */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** {@return the ALPN protocols in the server's order of preference; empty for no ALPN} */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** {@return how long a handshake may take before the TLS stage closes the connection} */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** {@return every file this configuration reads, for a file watch} */
    public List<Path> files() {
        List<Path> files = new ArrayList<>(identity.files());
        sni.values().forEach(i -> files.addAll(i.files()));
        if (clientTrust != null) {
            files.addAll(clientTrust.files());
        }
        return List.copyOf(new LinkedHashSet<>(files));
    }

    /** Collects the settings of a {@link TlsServerConfig}. Not thread-safe. */
    public static final class Builder {
        private Identity identity;
        private final Map<String, Identity> sni = new LinkedHashMap<>();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private Trust clientTrust;
        private List<String> protocols = TlsDefaults.PROTOCOLS;
        private List<String> cipherSuites;
        private List<String> applicationProtocols = List.of();
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder() {
        }

        /**
         * The default certificate and key: for clients that send no SNI, send an IP address, or name a host no
         * {@link #sni} entry matches.
         *
         * @param identity where the chain and key are read from
         * @return this builder
         */
        public Builder identity(Identity identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /**
         * A certificate for one host name, or for every host one label under a domain ({@code *.example.com}
         * matches {@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}). An exact name wins
         * over a wildcard. Names are compared without case and without a trailing dot.
         *
         * @param hostName the name clients send in SNI, or a {@code *.domain} wildcard
         * @param identity the certificate and key to present for it
         * @return this builder
         * @throws TlsConfigException when the name is not a host name or wildcard, or is already set
         */
        public Builder sni(String hostName, Identity identity) {
            String name = HostNames.checkPattern(Objects.requireNonNull(hostName, "hostName"));
            if (sni.putIfAbsent(name, Objects.requireNonNull(identity, "identity")) != null) {
                throw new TlsConfigException("SNI name '" + name + "' is set twice");
            }
            return this;
        }

        /**
         * Whether to ask clients for a certificate (default {@link ClientAuth#NONE}); anything else needs
         * {@link #clientTrust}.
         *
         * @param clientAuth none, optional or required
         * @return this builder
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /**
         * The CAs client certificates must chain to.
         *
         * @param trust usually {@link Trust#pem(Path...)} with the CA that issues client certificates
         * @return this builder
         */
        public Builder clientTrust(Trust trust) {
            this.clientTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * The protocol versions to enable (default TLSv1.3 and TLSv1.2).
         *
         * @param protocols a non-empty subset of {@code TLSv1.3} and {@code TLSv1.2}
         * @return this builder
         * @throws TlsConfigException for any other version: SSLv3, TLSv1 and TLSv1.1 cannot be enabled
         */
        public Builder protocols(String... protocols) {
            this.protocols = TlsDefaults.protocols(List.of(protocols));
            return this;
        }

        /**
         * The cipher suites to enable, in the server's order of preference, instead of the filtered JDK defaults.
         * Checked against the JDK when the context is created; NULL, anonymous, export, RC4, DES, 3DES and MD5
         * suites are refused.
         *
         * @param suites JDK (IANA) suite names
         * @return this builder
         */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = List.of(suites);
            return this;
        }

        /**
         * The ALPN protocols to accept, in the server's order of preference (default none). A client that offers
         * ALPN but none of these is refused with a {@code no_application_protocol} alert (RFC 7301); a client that
         * offers no ALPN is accepted.
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
         * How long a handshake may take, from the connection's start, before the TLS stage closes it (default 10 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return this;
        }

        /**
         * Checks the settings that do not need the files.
         *
         * @return the configuration
         * @throws TlsConfigException when no identity is set, or client authentication is on without client trust
         */
        public TlsServerConfig build() {
            if (identity == null) {
                throw new TlsConfigException("a server needs a default certificate: set identity(...)");
            }
            if (clientAuth != ClientAuth.NONE && clientTrust == null) {
                throw new TlsConfigException("client authentication " + clientAuth + " needs clientTrust(...): the CAs that issue client certificates");
            }
            return new TlsServerConfig(this);
        }

        static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
