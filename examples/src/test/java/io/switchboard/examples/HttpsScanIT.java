package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh (Debian package testssl.sh) scans the https example with the framework's TLS defaults: every check of
 * its default run (protocols, cipher categories, forward secrecy, server preferences, certificate, HTTP headers,
 * vulnerabilities, each cipher, client simulations; about 90 s). No finding may be rated HIGH or CRITICAL; findings
 * from MEDIUM up are printed.
 *
 * <p>The certificate is made here with openssl: RSA 2048 (so that the TLS 1.2 RSA suites, DHE among them, are
 * offered and scanned too), signed by a CA made here and handed to testssl.sh with {@code --add-ca}, valid for a
 * year and with a CRL distribution point. testssl.sh rates the certificate itself too: a self-signed one
 * (CRITICAL), one expiring within 30 days, valid for 10 years or more, or naming no CRL or OCSP URL (HIGH each)
 * would fail this test for reasons that have nothing to do with the server.
 */
class HttpsScanIT {
    private static final Pattern OBJECT = Pattern.compile("\\{[^{}]*}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One line of testssl.sh's flat JSON output. */
    record Finding(String id, String severity, String finding) {
        @Override
        public String toString() {
            return severity + " " + id + ": " + finding;
        }
    }

    @Test
    void noHighOrCriticalFinding(@TempDir Path dir) throws Exception {
        Tools.require("openssl", "openssl");
        Tools.require("testssl", "testssl.sh");
        makeCertificate(dir);
        try (ExampleProcess https = ExampleProcess.start("http", "--port", "0", "--workers", "2",
                "--tls-cert", dir.resolve("server.pem").toString(), "--tls-key", dir.resolve("server.key").toString())) {
            int port = https.awaitListening();
            Path json = dir.resolve("testssl.json");
            Tools.Result scan = Tools.run(300, "", List.of("testssl", "--quiet", "--color", "0", "--warnings", "batch",
                    "--ip", "127.0.0.1", "--nodns", "none", "--add-ca", dir.resolve("ca.pem").toString(),
                    "--jsonfile", json.toString(), "https://localhost:" + port + "/plaintext"));
            assertTrue(Files.exists(json), "testssl.sh wrote no JSON (exit " + scan.exit() + "): " + scan.stdout() + scan.stderr());
            List<Finding> findings = parse(Files.readString(json, StandardCharsets.UTF_8));
            Map<String, Finding> byId = findings.stream().collect(Collectors.toMap(Finding::id, f -> f, (a, b) -> a));

            List<Finding> notable = findings.stream()
                    .filter(f -> List.of("MEDIUM", "HIGH", "CRITICAL", "WARN", "FATAL").contains(f.severity())).toList();
            System.out.println("testssl.sh findings rated MEDIUM and above (and warnings) of " + findings.size() + ":");
            notable.forEach(f -> System.out.println("  " + f));

            assertTrue(byId.containsKey("scanTime"), "the scan ran to its end: " + scan.stdout() + scan.stderr());
            assertTrue(byId.get("TLS1_3").finding().startsWith("offered"), byId.get("TLS1_3").toString());
            assertTrue(byId.get("TLS1_2").finding().startsWith("offered"), byId.get("TLS1_2").toString());
            for (String old : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
                assertEquals("not offered", byId.get(old).finding(), old);
            }
            assertTrue(byId.get("ALPN").finding().contains("http/1.1"), byId.get("ALPN").toString());
            assertEquals("OK", byId.get("secure_client_renego").severity(), "client-initiated renegotiation refused: "
                    + byId.get("secure_client_renego"));
            assertEquals("OK", byId.get("cert_chain_of_trust").severity(), "testssl.sh trusts the test CA: "
                    + byId.get("cert_chain_of_trust"));
            List<Finding> severe = findings.stream()
                    .filter(f -> f.severity().equals("HIGH") || f.severity().equals("CRITICAL") || f.severity().equals("FATAL"))
                    .toList();
            assertEquals(List.of(), severe, "no finding rated HIGH or CRITICAL");
        }
    }

    /** A CA, and an RSA 2048 certificate for localhost and 127.0.0.1 signed by it, valid for 365 days. */
    private static void makeCertificate(Path dir) throws Exception {
        Files.writeString(dir.resolve("server.ext"), String.join("\n",
                "basicConstraints=CA:FALSE",
                "keyUsage=critical,digitalSignature,keyEncipherment",
                "extendedKeyUsage=serverAuth",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "crlDistributionPoints=URI:http://127.0.0.1:9/ca.crl", ""));
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "365", "-subj", "/CN=Switchboard testssl CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-subj", "/CN=localhost",
                "-out", "server.csr");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-sha256", "-days", "365", "-extfile", "server.ext", "-out", "server.pem");
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        for (String a : args) {
            boolean file = a.endsWith(".pem") || a.endsWith(".key") || a.endsWith(".csr") || a.endsWith(".ext");
            command.add(file ? dir.resolve(a).toString() : a);
        }
        Tools.Result r = Tools.run(60, "", command);
        assertEquals(0, r.exit(), command + ": " + r.stderr());
    }

    /** testssl.sh's flat JSON: an array of objects with string fields only. */
    static List<Finding> parse(String json) {
        List<Finding> findings = new ArrayList<>();
        Matcher object = OBJECT.matcher(json);
        while (object.find()) {
            Matcher field = FIELD.matcher(object.group());
            String id = null;
            String severity = null;
            String finding = "";
            while (field.find()) {
                switch (field.group(1)) {
                    case "id" -> id = field.group(2);
                    case "severity" -> severity = field.group(2);
                    case "finding" -> finding = field.group(2);
                    default -> { }
                }
            }
            if (id != null && severity != null) {
                findings.add(new Finding(id, severity, finding));
            }
        }
        return findings;
    }
}
