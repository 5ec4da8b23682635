package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The udp-echo and syslog commands on the examples' command line. */
class UdpCommandsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsBothCommandsWithTheirPortsAndFlags() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String part : List.of("udp-echo", "(7002)", "syslog", "(5514)", "--tcp-port N")) {
            assertTrue(text.contains(part), part + " in\n" + text);
        }
    }

    @Test
    void badFlagsAreUsageErrors() {
        assertEquals(2, run("udp-echo", "--tcp-port", "1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown flag: --tcp-port"));
        assertEquals(2, run("syslog", "--tcp-port", "70000"));
        assertEquals(2, run("udp-echo", "--workers", "0"));
        assertEquals(2, run("syslog", "--tls-cert", "cert.pem"), "no TLS for syslog (RFC 5425 is not served)");
    }
}
