package io.switchboard.bench;

import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.switchboard.tls.Identity;
import io.switchboard.tls.TlsServerConfig;
import io.switchboard.tls.TlsServerContext;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The TLS set-up of the Netty servers Switchboard is measured against: Netty's {@code SslHandler} on the JDK's
 * {@code SSLEngine} ({@link SslProvider#JDK}), a certificate chain and PKCS#8 key from PEM files, and the same
 * protocols and cipher suites, in the same order, as a Switchboard server made from the same files: TLSv1.3 and
 * TLSv1.2, the JDK's default suites kept by Switchboard's filter (TLS 1.3, ECDHE with AES-GCM or ChaCha20-Poly1305).
 * Both servers' engines prefer their own order (the JDK's default for a server), so both negotiate
 * {@code TLS_AES_256_GCM_SHA384} on TLS 1.3 with OpenSSL's and the JDK's clients. Netty's own default list for
 * the JDK provider puts {@code TLS_AES_128_GCM_SHA256} first, which would give it the cheaper cipher (10 AES
 * rounds instead of 14): hence the copied list. Netty's other defaults stay (delegated tasks run on the loop,
 * 16 KiB of plaintext gathered per record). Immutable.
 *
 * @param context    the Netty context, one {@code SslHandler} per connection made from it
 * @param protocols  the protocols enabled, in order
 * @param suites     the cipher suites enabled, in order of preference
 */
record NettyTls(SslContext context, List<String> protocols, List<String> suites) {

    /**
     * Reads the PEM files and builds the context.
     *
     * @param certificate the certificate chain (PEM)
     * @param key         its private key (PEM, PKCS#8: what {@code openssl req -newkey} writes)
     * @throws SSLException when Netty cannot build the context from the files
     */
    static NettyTls server(Path certificate, Path key) throws SSLException {
        // the engine a Switchboard server makes from the same files gives the protocols and suites, in its order
        TlsServerContext switchboard = TlsServerContext.create(TlsServerConfig.builder()
                .identity(Identity.pem(certificate, key)).build());
        SSLEngine reference = switchboard.newEngine(null, -1);
        List<String> protocols = List.of(reference.getEnabledProtocols());
        List<String> suites = List.of(reference.getEnabledCipherSuites());
        SslContext context = SslContextBuilder.forServer(certificate.toFile(), key.toFile())
                .sslProvider(SslProvider.JDK)
                .protocols(protocols)
                .ciphers(suites, IdentityCipherSuiteFilter.INSTANCE)
                .build();
        return new NettyTls(context, protocols, suites);
    }

    /** {@return the protocols and the first cipher suites in order, for the listening line} */
    String describe() {
        return String.join("/", protocols) + ", suites " + String.join(":", suites.subList(0, Math.min(3, suites.size())))
                + (suites.size() > 3 ? ":…" : "");
    }
}
