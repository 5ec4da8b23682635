package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a TLS server negotiates with OpenSSL's client, the library wrk and {@code openssl s_time} use: one
 * {@code openssl s_client -brief} handshake before a run, its protocol, cipher suite, key exchange group and
 * signature read from the output, so that the report shows both servers were measured with the same ones.
 */
final class TlsProbe {
    private TlsProbe() {
    }

    /**
     * Connects once to {@code 127.0.0.1:port}, trusting {@code ca}, and describes the handshake.
     *
     * @return for example {@code TLSv1.3 TLS_AES_256_GCM_SHA384 X25519 ECDSA}
     * @throws IOException when openssl cannot be run or the handshake did not complete
     */
    static String run(int port, Path ca) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-brief",
                "-CAfile", ca.toString(), "-servername", "localhost").redirectErrorStream(true).start();
        p.getOutputStream().close(); // no input: the client closes once the handshake is done
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String described = describe(output);
        if (described == null) {
            throw new IOException("openssl s_client completed no TLS handshake with port " + port + ": " + output);
        }
        return described;
    }

    /**
     * Reads {@code openssl s_client -brief} output.
     *
     * @return protocol and cipher suite, then the key exchange group and the signature type when printed, separated
     *         by spaces (no commas: it goes into a CSV field); null when the output has no protocol or no cipher suite
     *         (no handshake)
     */
    static String describe(String output) {
        String protocol = null;
        String suite = null;
        String group = null;
        String signature = null;
        for (String line : output.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Protocol version:")) {
                protocol = value(t);
            } else if (t.startsWith("Ciphersuite:")) {
                suite = value(t);
            } else if (t.startsWith("Server Temp Key:") || t.startsWith("Peer Temp Key:")) {
                group = value(t).replaceFirst(",\\s*\\d+ bits$", "").replace(", ", " "); // X25519; ECDH P-256
            } else if (t.startsWith("Signature type:")) {
                signature = value(t);
            }
        }
        if (protocol == null || suite == null) {
            return null;
        }
        List<String> parts = new ArrayList<>(List.of(protocol, suite));
        if (group != null) {
            parts.add(group);
        }
        if (signature != null) {
            parts.add(signature);
        }
        return String.join(" ", parts);
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).trim();
    }
}
