package io.switchboard.proxy;

import java.nio.charset.StandardCharsets;

/**
 * The {@code PP2_TYPE_SSL} field of a PROXY v2 header: how the client reached the proxy when the proxy ended its TLS.
 * Immutable.
 *
 * @param client      the {@code PP2_CLIENT_*} bits: {@link #CLIENT_SSL}, {@link #CLIENT_CERT_CONN},
 *                    {@link #CLIENT_CERT_SESS}
 * @param verify      zero when the client presented a certificate and it was verified, non-zero otherwise
 * @param version     the TLS version ({@code TLSv1.3}), or null when not sent
 * @param commonName  the common name of the client certificate's subject, or null
 * @param cipher      the cipher suite ({@code TLS_AES_256_GCM_SHA384}), or null
 * @param signatureAlgorithm the algorithm that signed the proxy's certificate ({@code SHA256}), or null
 * @param keyAlgorithm the algorithm of the proxy's certificate key ({@code RSA2048}), or null
 */
public record ProxySsl(int client, long verify, String version, String commonName, String cipher,
                       String signatureAlgorithm, String keyAlgorithm) {
    /** {@code PP2_CLIENT_SSL}: the client connected over TLS. */
    public static final int CLIENT_SSL = 0x01;
    /** {@code PP2_CLIENT_CERT_CONN}: the client presented a certificate on this connection. */
    public static final int CLIENT_CERT_CONN = 0x02;
    /** {@code PP2_CLIENT_CERT_SESS}: the client presented a certificate at least once in this TLS session. */
    public static final int CLIENT_CERT_SESS = 0x04;

    private static final int VERSION = 0x21;
    private static final int CN = 0x22;
    private static final int CIPHER = 0x23;
    private static final int SIG_ALG = 0x24;
    private static final int KEY_ALG = 0x25;

    /** {@return true when the client reached the proxy over TLS} */
    public boolean isTls() {
        return (client & CLIENT_SSL) != 0;
    }

    /** {@return true when the client presented a certificate and the proxy verified it} */
    public boolean isClientVerified() {
        return (client & (CLIENT_CERT_CONN | CLIENT_CERT_SESS)) != 0 && verify == 0;
    }

    /**
     * Reads the field's value: one byte of client bits, four of verify result, then sub-fields.
     *
     * @throws ProxyProtocolException when the value is shorter than five bytes or a sub-field overruns it
     */
    static ProxySsl parse(byte[] value) {
        if (value.length < 5) {
            throw new ProxyProtocolException("PP2_TYPE_SSL field of " + value.length + " bytes, shorter than 5");
        }
        int client = value[0] & 0xff;
        long verify = ((value[1] & 0xffL) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
        String version = null;
        String cn = null;
        String cipher = null;
        String sigAlg = null;
        String keyAlg = null;
        int at = 5;
        while (at < value.length) {
            if (value.length - at < 3) {
                throw new ProxyProtocolException("PP2_TYPE_SSL sub-field cut short");
            }
            int type = value[at] & 0xff;
            int length = (value[at + 1] & 0xff) << 8 | (value[at + 2] & 0xff);
            at += 3;
            if (length > value.length - at) {
                throw new ProxyProtocolException("PP2_TYPE_SSL sub-field of " + length + " bytes overruns the field");
            }
            String text = new String(value, at, length, type == CN ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
            switch (type) {
                case VERSION -> version = text;
                case CN -> cn = text;
                case CIPHER -> cipher = text;
                case SIG_ALG -> sigAlg = text;
                case KEY_ALG -> keyAlg = text;
                default -> {
                    // a sub-type this version does not know: skipped, as the spec allows
                }
            }
            at += length;
        }
        return new ProxySsl(client, verify, version, cn, cipher, sigAlg, keyAlg);
    }
}
