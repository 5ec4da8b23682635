package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** openssl s_client -brief output, as OpenSSL 3.0 prints it, read into the runs' TLS note. */
class TlsProbeTest {
    @Test
    void readsProtocolSuiteGroupAndSignature() {
        String output = "Connecting to 127.0.0.1\nCONNECTION ESTABLISHED\nProtocol version: TLSv1.3\n"
                + "Ciphersuite: TLS_AES_256_GCM_SHA384\nPeer certificate: CN = localhost\nHash used: SHA256\n"
                + "Signature type: ECDSA\nVerification: OK\nServer Temp Key: X25519, 253 bits\nDONE\n";

        assertEquals("TLSv1.3 TLS_AES_256_GCM_SHA384 X25519 ECDSA", TlsProbe.describe(output));
    }

    @Test
    void aTls12HandshakeWithAnRsaCertificateAndAnOlderOpenssl() {
        String output = "Protocol version: TLSv1.2\nCiphersuite: ECDHE-RSA-AES256-GCM-SHA384\n"
                + "Signature type: RSA-PSS\nPeer Temp Key: ECDH, P-256, 256 bits\n";

        assertEquals("TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 ECDH P-256 RSA-PSS", TlsProbe.describe(output));
    }

    @Test
    void noHandshakeIsNull() {
        assertNull(TlsProbe.describe("40A7C1E2D27F0000:error:8000006F:system library:BIO_connect:Connection refused\n"));
    }
}
