package io.switchboard.bench;

import io.switchboard.tls.TlsClientConfig;
import io.switchboard.tls.TlsClientContext;
import io.switchboard.tls.Trust;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * How a load generator speaks TLS: trusting the PEM CAs of a file ({@code --tls-ca FILE}, the server's name
 * checked against its certificate as any client would), any certificate ({@code --tls-insecure}, for a
 * self-signed test certificate whose names do not fit), or the JDK's CAs (neither). The same flags as the
 * examples' chat client. Immutable.
 *
 * @param ca       the CA file, or null
 * @param insecure true to accept any certificate for any name
 */
record LoadTls(Path ca, boolean insecure) {
    /** Flags with a value. */
    static final Set<String> FLAGS = Set.of("tls-ca");
    /** Switches: {@code --tls} turns TLS on, {@code --tls-insecure} drops the certificate checks. */
    static final Set<String> SWITCHES = Set.of("tls", "tls-insecure");

    /** Checks that both are not asked for. */
    LoadTls {
        if (ca != null && insecure) {
            throw new IllegalArgumentException("a CA file and insecure mode exclude each other");
        }
    }

    /**
     * The TLS asked for on a command line, or null without {@code --tls}.
     *
     * @param args the parsed flags, with {@link #FLAGS} and {@link #SWITCHES} among the known ones
     * @throws Args.UsageException for {@code --tls-ca} or {@code --tls-insecure} without {@code --tls}, or both
     */
    static LoadTls parse(Args args) {
        return parse(args, args.has("tls"));
    }

    /**
     * The TLS asked for, or null when {@code on} is false (for a command where the URL's scheme says it).
     *
     * @param args the parsed flags
     * @param on   whether TLS is on
     * @throws Args.UsageException for {@code --tls-ca} or {@code --tls-insecure} without TLS, or both
     */
    static LoadTls parse(Args args, boolean on) {
        boolean ca = args.has("tls-ca");
        boolean insecure = args.has("tls-insecure");
        if (!on) {
            if (ca || insecure) {
                throw new Args.UsageException((ca ? "--tls-ca" : "--tls-insecure") + " needs TLS (--tls, or an https:// URL)");
            }
            return null;
        }
        if (ca && insecure) {
            throw new Args.UsageException("--tls-ca and --tls-insecure exclude each other: trust a CA or trust anything");
        }
        return new LoadTls(ca ? Path.of(args.string("tls-ca", "")) : null, insecure);
    }

    /**
     * Reads the CA file and builds the client's context; one per run, so its session cache is the run's.
     *
     * @throws io.switchboard.tls.TlsConfigException when the CA file cannot be read
     */
    TlsClientContext context() {
        return context(new String[0]);
    }

    /**
     * As {@link #context()}, offering {@code alpn} ({@code h2} for the HTTP/2 load).
     *
     * @param alpn the ALPN protocols to offer; none for no ALPN
     */
    TlsClientContext context(String... alpn) {
        TlsClientConfig.Builder config = TlsClientConfig.builder();
        if (alpn.length > 0) {
            config.applicationProtocols(alpn);
        }
        if (ca != null) {
            config.trust(Trust.pem(ca));
        } else if (insecure) {
            config.insecure();
        }
        return TlsClientContext.create(config.build());
    }

    /** {@return the command-line flags that ask for this TLS, {@code --tls} first} */
    List<String> flags() {
        return ca != null ? List.of("--tls", "--tls-ca", ca.toString())
                : insecure ? List.of("--tls", "--tls-insecure") : List.of("--tls");
    }

    /** {@return how the server's certificate is checked, for the run's first line} */
    String describe() {
        return ca != null ? "TLS, trusting " + ca : insecure ? "TLS, any certificate accepted (insecure)" : "TLS, the JDK's CAs";
    }
}
