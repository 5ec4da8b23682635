package io.switchboard.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The protocol versions and cipher suites Switchboard allows, and the checks on what a user configures.
 *
 * <p>Protocols: TLSv1.3 and TLSv1.2 only. SSLv3, TLSv1 and TLSv1.1 are refused outright, not behind an
 * option: RFC 8996 forbids them, the JDK disables them itself ({@code jdk.tls.disabledAlgorithms}), and every
 * client still in use speaks TLS 1.2.
 *
 * <p>Cipher suites by default: the JDK's default suites, in the JDK's order, keeping the TLS 1.3 suites and the
 * TLS 1.2 suites that are both forward secret (ECDHE, or DHE with RSA) and AEAD (AES-GCM, ChaCha20-Poly1305).
 * That is Mozilla's "intermediate" profile and leaves testssl.sh nothing to rate: no NULL, anonymous, export,
 * RC4, DES or 3DES suite (never accepted, even when listed by hand), and no CBC or static-RSA suite (CBC is
 * Lucky13-prone and rated weak; static RSA has no forward secrecy). Suites listed by hand may include CBC or
 * static RSA suites; they must be ones the JDK supports.
 */
final class TlsDefaults {
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final String SCSV = "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
    private static final List<String> NEVER = List.of("_NULL_", "_ANON_", "_EXPORT", "_RC4_", "_DES_", "_DES40_", "_3DES_", "_DESEDE_", "_MD5");

    private TlsDefaults() {
    }

    /**
     * Checks configured protocols.
     *
     * @param protocols the protocols asked for
     * @return them, copied
     * @throws TlsConfigException when empty or when one is not TLSv1.3 or TLSv1.2
     */
    static List<String> protocols(List<String> protocols) {
        if (protocols.isEmpty()) {
            throw new TlsConfigException("at least one protocol is needed (TLSv1.3, TLSv1.2)");
        }
        for (String p : protocols) {
            if (!PROTOCOLS.contains(p)) {
                throw new TlsConfigException("protocol '" + p + "' is refused: only TLSv1.3 and TLSv1.2 are allowed"
                        + " (SSLv3, TLSv1 and TLSv1.1 are broken, RFC 8996)");
            }
        }
        return List.copyOf(protocols);
    }

    /**
     * The default suites of a context, filtered as described above.
     *
     * @param context an initialised context
     * @return the suites, in the JDK's order of preference
     */
    static List<String> cipherSuites(SSLContext context) {
        List<String> kept = new ArrayList<>();
        for (String suite : context.getDefaultSSLParameters().getCipherSuites()) {
            if (strong(suite)) {
                kept.add(suite);
            }
        }
        return kept;
    }

    /**
     * Checks configured suites against what the JDK supports and the never-accepted list.
     *
     * @param suites  the suites asked for, in order of preference
     * @param context an initialised context
     * @return them, copied
     * @throws TlsConfigException when one is unknown to the JDK or weak beyond use
     */
    static List<String> cipherSuites(List<String> suites, SSLContext context) {
        if (suites.isEmpty()) {
            throw new TlsConfigException("at least one cipher suite is needed");
        }
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        for (String suite : suites) {
            if (!supported.contains(suite)) {
                throw new TlsConfigException("cipher suite '" + suite + "' is not supported by this JDK");
            }
            if (never(suite)) {
                throw new TlsConfigException("cipher suite '" + suite + "' is refused: NULL, anonymous, export, RC4, DES, 3DES"
                        + " and MD5 suites are broken");
            }
        }
        return List.copyOf(suites);
    }

    /** {@return whether a suite is kept by default} */
    static boolean strong(String suite) {
        if (suite.equals(SCSV) || suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true;
        }
        boolean forwardSecret = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_RSA_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return forwardSecret && aead && !never(suite);
    }

    private static boolean never(String suite) {
        String upper = suite.toUpperCase(Locale.ROOT);
        return NEVER.stream().anyMatch(upper::contains) || upper.startsWith("SSL_");
    }

    /** {@return a list as an array, for SSLParameters} */
    static String[] array(List<String> list) {
        return list.toArray(new String[0]);
    }
}
