package io.switchboard.tls;

/** Whether a server asks TLS clients for a certificate. */
public enum ClientAuth {
    /** No certificate is asked for (the default). */
    NONE,
    /** A certificate is asked for; a client without one is still accepted, one with an untrusted one is not. */
    OPTIONAL,
    /** A certificate is asked for and the handshake fails without a trusted one. */
    REQUIRED
}
