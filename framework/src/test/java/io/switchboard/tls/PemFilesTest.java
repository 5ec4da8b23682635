package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PEM reading: each key form openssl writes loads and is the certificate's key; bad files give errors naming the file. */
class PemFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        "rsa-pkcs8.key, rsa.pem, SHA256withRSA",
        "rsa-pkcs1.key, rsa.pem, SHA256withRSA",
        "rsa-encrypted.key, rsa.pem, SHA256withRSA",
        "ec-pkcs8.key, ec.pem, SHA256withECDSA",
        "ec-sec1.key, ec.pem, SHA256withECDSA",
        "ec-encrypted.key, ec.pem, SHA256withECDSA",
        "ec384-sec1.key, ec384.pem, SHA384withECDSA",
        "other.key, other.pem, SHA256withECDSA",
    })
    void eachKeyFormLoadsAndSignsForItsCertificate(String keyFile, String certFile, String algorithm) throws Exception {
        PrivateKey key = PemFiles.privateKey(Fixtures.path(keyFile), Fixtures.PASSWORD);
        X509Certificate certificate = Fixtures.certificate(certFile);
        byte[] message = "round trip".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(message);
        assertTrue(verifier.verify(signature), "a signature by " + keyFile + " verifies with the public key of " + certFile);
    }

    @Test
    void sec1KeysKeepTheirCurve() {
        ECPrivateKey p256 = (ECPrivateKey) PemFiles.privateKey(Fixtures.path("ec-sec1.key"), null);
        ECPrivateKey p384 = (ECPrivateKey) PemFiles.privateKey(Fixtures.path("ec384-sec1.key"), null);
        assertEquals(256, p256.getParams().getCurve().getField().getFieldSize(), "P-256 field size");
        assertEquals(384, p384.getParams().getCurve().getField().getFieldSize(), "P-384 field size");
    }

    @Test
    void certificateChainIsReadInFileOrder() throws IOException {
        Path chain = write("chain.pem", read("rsa.pem") + read("ca.pem"));
        List<X509Certificate> certificates = PemFiles.certificates(chain);
        assertEquals(2, certificates.size());
        assertEquals("CN=localhost", certificates.get(0).getSubjectX500Principal().getName());
        assertEquals("CN=Switchboard Test CA", certificates.get(1).getSubjectX500Principal().getName());
    }

    @Test
    void certificateAndKeyMayShareAFile() throws IOException {
        Path both = write("both.pem", read("rsa.pem") + read("rsa-pkcs1.key"));
        assertEquals(1, PemFiles.certificates(both).size());
        assertEquals("RSA", PemFiles.privateKey(both, null).getAlgorithm());
    }

    @Test
    void encryptedKeyWithoutPasswordIsAClearError() {
        assertError("no password", () -> PemFiles.privateKey(Fixtures.path("rsa-encrypted.key"), null), "rsa-encrypted.key");
    }

    @Test
    void wrongPasswordIsAClearError() {
        assertError("wrong password", () -> PemFiles.privateKey(Fixtures.path("ec-encrypted.key"), "nope".toCharArray()), "ec-encrypted.key");
    }

    @Test
    void fileWithoutKeyIsAClearError() {
        assertError("no private key found", () -> PemFiles.privateKey(Fixtures.path("rsa.pem"), null), "rsa.pem");
    }

    @Test
    void fileWithTwoKeysIsAClearError() throws IOException {
        Path two = write("two.key", read("rsa-pkcs8.key") + read("ec-sec1.key"));
        assertError("two private keys", () -> PemFiles.privateKey(two, null), "two.key");
    }

    @Test
    void fileWithoutCertificateIsAClearError() {
        assertError("no certificate found", () -> PemFiles.certificates(Fixtures.path("rsa-pkcs8.key")), "rsa-pkcs8.key");
    }

    @Test
    void garbageIsNotAPemFile() throws IOException {
        Path garbage = write("garbage.pem", "this is not a certificate\n\u0001\u0002\n");
        assertError("not a PEM file", () -> PemFiles.certificates(garbage), "garbage.pem");
        assertError("not a PEM file", () -> PemFiles.privateKey(garbage, null), "garbage.pem");
    }

    @Test
    void unknownBlockTypeIsNamed() throws IOException {
        Path publicKey = write("public.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertError("unexpected PEM block 'PUBLIC KEY'", () -> PemFiles.privateKey(publicKey, null), "public.pem");
    }

    @Test
    void brokenBlocksAreNamed() throws IOException {
        Path unclosed = write("unclosed.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n");
        assertError("has no END line", () -> PemFiles.certificates(unclosed), "unclosed.pem");
        Path badBase64 = write("bad64.pem", "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n");
        assertError("not valid Base64", () -> PemFiles.certificates(badBase64), "bad64.pem");
        Path badDer = write("baddie.key", "-----BEGIN EC PRIVATE KEY-----\nMAM=\n-----END EC PRIVATE KEY-----\n");
        assertError("SEC1 EC private key is malformed", () -> PemFiles.privateKey(badDer, null), "baddie.key");
    }

    @Test
    void legacyEncryptedTraditionalKeyIsAClearError() throws IOException {
        Path legacy = write("legacy.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertError("legacy openssl encryption", () -> PemFiles.privateKey(legacy, null), "legacy.key");
    }

    @Test
    void missingFileIsNamed() {
        assertError("cannot be read", () -> PemFiles.certificates(dir.resolve("absent.pem")), "absent.pem");
    }

    private static void assertError(String what, Runnable action, String file) {
        TlsConfigException e = assertThrows(TlsConfigException.class, action::run);
        assertTrue(e.getMessage().contains(what), "message '" + e.getMessage() + "' says " + what);
        assertTrue(e.getMessage().contains(file), "message '" + e.getMessage() + "' names " + file);
    }

    private static String read(String fixture) throws IOException {
        return Files.readString(Fixtures.path(fixture));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
