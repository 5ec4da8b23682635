/**
 * TLS configuration on the JDK's {@link javax.net.ssl.SSLEngine}: certificates and keys from PEM files (PKCS#8,
 * PKCS#1, SEC1, encrypted PKCS#8) or PKCS#12, SNI, ALPN, client authentication, strict protocol and cipher
 * defaults, and reload without restart. {@link io.switchboard.tls.TlsServerContext} and
 * {@link io.switchboard.tls.TlsClientContext} make the engines a TLS stage runs.
 */
package io.switchboard.tls;
