package io.switchboard.examples;

import io.switchboard.tls.Identity;
import io.switchboard.tls.TlsClientConfig;
import io.switchboard.tls.TlsClientContext;
import io.switchboard.tls.TlsServerConfig;
import io.switchboard.tls.TlsServerContext;
import io.switchboard.tls.Trust;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The examples' TLS flags turned into the framework's TLS contexts. A server serves TLS on its usual port when
 * given {@code --tls-cert FILE --tls-key FILE} (PEM: the chain, leaf first; the key in PKCS#8, PKCS#1 or SEC1);
 * {@code --tls-reload S} reads both files again S seconds after they change, for the next connections. The chat
 * client speaks TLS with {@code --tls}, trusting the JDK's CAs, or the PEM CAs of {@code --tls-ca FILE}, or any
 * certificate with {@code --tls-insecure} (the framework warns once on stderr); the host name is checked unless
 * {@code --tls-insecure}.
 */
final class TlsFlags {
    /** Flags with a value that every server takes. */
    static final Set<String> SERVER = Set.of("tls-cert", "tls-key", "tls-reload");
    /** The client's flags with a value. */
    static final Set<String> CLIENT = Set.of("tls-ca");
    /** The client's switches. */
    static final Set<String> CLIENT_SWITCHES = Set.of("tls", "tls-insecure");

    private static final int DAY = 86_400;

    private TlsFlags() {
    }

    /**
     * The server's TLS context, or null when neither {@code --tls-cert} nor {@code --tls-key} was given.
     *
     * @param args                 the parsed flags
     * @param applicationProtocols the ALPN protocols to offer, in order of preference (none for no ALPN)
     * @throws Args.UsageException when only one of the two files is given, or {@code --tls-reload} without them
     * @throws io.switchboard.tls.TlsConfigException when a file cannot be read or the key is not the certificate's
     */
    static TlsServerContext server(Args args, String... applicationProtocols) {
        boolean cert = args.has("tls-cert");
        boolean key = args.has("tls-key");
        if (cert != key) {
            throw new Args.UsageException(cert ? "--tls-cert needs --tls-key FILE (the certificate's private key)"
                    : "--tls-key needs --tls-cert FILE (the certificate chain)");
        }
        if (!cert) {
            if (args.has("tls-reload")) {
                throw new Args.UsageException("--tls-reload needs --tls-cert and --tls-key");
            }
            return null;
        }
        TlsServerConfig.Builder config = TlsServerConfig.builder()
                .identity(Identity.pem(Path.of(args.string("tls-cert", "")), Path.of(args.string("tls-key", ""))));
        if (applicationProtocols.length > 0) {
            config.applicationProtocols(applicationProtocols);
        }
        int reload = args.integer("tls-reload", 0, 1, DAY);
        TlsServerContext context = TlsServerContext.create(config.build());
        if (reload > 0) {
            context.watch(Duration.ofSeconds(reload)); // a daemon thread, for as long as the server runs
        }
        return context;
    }

    /**
     * The client's TLS context, or null without {@code --tls}.
     *
     * @param args the parsed flags
     * @throws Args.UsageException for {@code --tls-ca} or {@code --tls-insecure} without {@code --tls}, or both
     * @throws io.switchboard.tls.TlsConfigException when the CA file cannot be read
     */
    static TlsClientContext client(Args args) {
        boolean ca = args.has("tls-ca");
        boolean insecure = args.has("tls-insecure");
        if (!args.has("tls")) {
            if (ca || insecure) {
                throw new Args.UsageException((ca ? "--tls-ca" : "--tls-insecure") + " needs --tls");
            }
            return null;
        }
        if (ca && insecure) {
            throw new Args.UsageException("--tls-ca and --tls-insecure exclude each other: trust a CA or trust anything");
        }
        TlsClientConfig.Builder config = TlsClientConfig.builder();
        if (ca) {
            config.trust(Trust.pem(Path.of(args.string("tls-ca", ""))));
        } else if (insecure) {
            config.insecure();
        }
        return TlsClientContext.create(config.build());
    }
}
