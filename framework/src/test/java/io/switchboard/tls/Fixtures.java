package io.switchboard.tls;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;

/** The PEM and PKCS#12 files of src/test/resources/tls (made by make-fixtures.sh; password "changeit"). */
final class Fixtures {
    static final char[] PASSWORD = "changeit".toCharArray();

    private Fixtures() {
    }

    /** {@return the path of a fixture} */
    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    /** {@return the first certificate of a fixture} */
    static X509Certificate certificate(String name) {
        return PemFiles.certificates(path(name)).get(0);
    }

    /** {@return an identity of a fixture's certificate and key, by base name: "rsa" is rsa.pem + rsa-pkcs8.key} */
    static Identity identity(String pem, String key) {
        return Identity.pem(path(pem), path(key));
    }

    /** Copies a fixture over a file, replacing it (a new inode, as editors and cert renewal tools do). */
    static void copy(String name, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "copy", ".tmp");
        Files.copy(path(name), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@return the client trust of the fixtures' CA} */
    static Trust caTrust() {
        return Trust.pem(path("ca.pem"));
    }
}
