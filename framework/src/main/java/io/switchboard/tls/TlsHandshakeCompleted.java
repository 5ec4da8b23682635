package io.switchboard.tls;

/**
 * The user event a {@link TlsHandler} fires when its handshake completes, before any decrypted byte reaches the
 * handlers after it. A protocol stage reads the negotiated ALPN protocol here to choose what it speaks (HTTP/2
 * or HTTP/1.1, say). Writes made before the event were held by the TLS stage and are on their way, encrypted,
 * when it arrives. Immutable.
 *
 * @param protocol            the protocol version, {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite         the cipher suite, for example {@code TLS_AES_128_GCM_SHA256}
 * @param applicationProtocol the protocol agreed by ALPN, or null when none was negotiated
 * @param serverName          the host name the client sent in SNI (on a client, the one it sent), or null when none
 *                            was sent
 */
public record TlsHandshakeCompleted(String protocol, String cipherSuite, String applicationProtocol, String serverName) {
}
