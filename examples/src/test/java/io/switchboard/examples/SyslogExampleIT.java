package io.switchboard.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The syslog example in its own process, fed by util-linux logger(1) over UDP and TCP (octet counting and LF
 * framing), in both formats; every field it prints is checked.
 */
class SyslogExampleIT {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(udp\\) and 127\\.0\\.0\\.1:(\\d+) \\(tcp\\)");
    private static final Pattern LINE = Pattern.compile("(udp|tcp) 127\\.0\\.0\\.1:(\\d+) (rfc5424|rfc3164) facility=(\\S+)"
            + " severity=(\\S+) time=(.+) host=(\\S+) app=(\\S+) procid=(\\S+) msgid=(\\S+) text=(.*)");
    private static final Pattern RFC3339 = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d");
    private static final Pattern BSD_TIME = Pattern.compile("[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d");

    private ExampleProcess syslog;
    private int udpPort;
    private int tcpPort;

    @BeforeEach
    void start() throws Exception {
        Tools.require("logger", "bsdutils");
        syslog = ExampleProcess.start("syslog", "--port", "0", "--tcp-port", "0", "--workers", "1");
        syslog.awaitListening();
        Matcher m = LISTENING.matcher(syslog.stdout.stream().filter(l -> l.contains("listening")).findFirst().orElseThrow());
        assertTrue(m.find());
        udpPort = Integer.parseInt(m.group(1));
        tcpPort = Integer.parseInt(m.group(2));
    }

    @AfterEach
    void stop() {
        if (syslog != null) {
            syslog.close();
        }
    }

    /** One printed message, its fields by name. */
    private record Printed(String transport, String format, String facility, String severity, String time, String host,
                           String app, String procid, String msgid, String text) {
    }

    /** Runs logger with {@code args} and waits for the line of the message whose text is {@code text}. */
    private Printed log(String text, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("logger", "-n", "127.0.0.1"));
        command.addAll(List.of(args));
        command.add(text);
        Tools.Result result = Tools.run(30, "", command);
        assertEquals(0, result.exit(), "logger failed: " + result.stderr());
        await().atMost(Duration.ofSeconds(10)).until(() -> find(text) != null);
        return find(text);
    }

    private Printed find(String text) {
        for (String line : syslog.stdout) {
            Matcher m = LINE.matcher(line);
            if (m.matches() && m.group(11).equals(text)) {
                return new Printed(m.group(1), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7), m.group(8),
                        m.group(9), m.group(10), m.group(11));
            }
        }
        return null;
    }

    /** logger(1) names this host as gethostname(2) does, the BSD form up to the first dot. */
    private static String hostname(boolean bsd) throws IOException {
        String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        return bsd && name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    }

    @Test
    void rfc5424OverUdp() throws Exception {
        Printed p = log("udp five four two four", "--udp", "-P", String.valueOf(udpPort), "--rfc5424", "-t", "app5424",
                "--msgid", "ID47", "-p", "local0.notice");
        assertEquals(new Printed("udp", "rfc5424", "local0", "notice", p.time(), hostname(false), "app5424", "-", "ID47",
                "udp five four two four"), p);
        assertTrue(RFC3339.matcher(p.time()).matches(), p.time());
    }

    @Test
    void rfc3164OverUdp() throws Exception {
        Printed p = log("udp three one six four", "--udp", "-P", String.valueOf(udpPort), "--rfc3164", "-t", "app3164",
                "-i", "-p", "mail.err");
        assertEquals(new Printed("udp", "rfc3164", "mail", "err", p.time(), hostname(true), "app3164", p.procid(), "-",
                "udp three one six four"), p);
        assertTrue(BSD_TIME.matcher(p.time()).matches(), p.time());
        assertTrue(p.procid().matches("\\d+"), "logger -i sends its pid: " + p.procid());
    }

    @Test
    void rfc5424OverTcpWithLineFraming() throws Exception {
        Printed p = log("tcp five, lf", "--tcp", "-P", String.valueOf(tcpPort), "--rfc5424", "-t", "tcpapp", "--msgid",
                "M2", "-p", "daemon.warning");
        assertEquals(new Printed("tcp", "rfc5424", "daemon", "warning", p.time(), hostname(false), "tcpapp", "-", "M2",
                "tcp five, lf"), p);
    }

    @Test
    void rfc5424OverTcpWithOctetCounting() throws Exception {
        Printed p = log("tcp five, counted", "--tcp", "--octet-count", "-P", String.valueOf(tcpPort), "--rfc5424", "-t",
                "counted", "--msgid", "M3", "-p", "auth.crit");
        assertEquals(new Printed("tcp", "rfc5424", "auth", "crit", p.time(), hostname(false), "counted", "-", "M3",
                "tcp five, counted"), p);
    }

    @Test
    void rfc3164OverTcpBothFramings() throws Exception {
        Printed lf = log("tcp three, lf", "--tcp", "-P", String.valueOf(tcpPort), "--rfc3164", "-t", "bsdtcp", "-p",
                "user.info");
        assertEquals(new Printed("tcp", "rfc3164", "user", "info", lf.time(), hostname(true), "bsdtcp", "-", "-",
                "tcp three, lf"), lf);
        Printed counted = log("tcp three, counted", "--tcp", "--octet-count", "-P", String.valueOf(tcpPort), "--rfc3164",
                "-t", "bsdtcp", "-p", "local7.debug");
        assertEquals(new Printed("tcp", "rfc3164", "local7", "debug", counted.time(), hostname(true), "bsdtcp", "-", "-",
                "tcp three, counted"), counted);
        assertTrue(BSD_TIME.matcher(counted.time()).matches(), counted.time());
    }

    @Test
    void manyLinesOnOneTcpConnectionAreManyMessages() throws Exception {
        List<String> command = List.of("logger", "-n", "127.0.0.1", "--tcp", "--octet-count", "-P",
                String.valueOf(tcpPort), "--rfc5424", "-t", "batch");
        StringBuilder stdin = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            stdin.append("batch line ").append(i).append('\n');
        }
        assertEquals(0, Tools.run(30, stdin.toString(), command).exit());
        await().atMost(Duration.ofSeconds(10)).until(() -> find("batch line 49") != null);
        for (int i = 0; i < 50; i++) {
            assertEquals("batch", find("batch line " + i).app());
        }
    }

    @Test
    void malformedMessagesAreCountedAndReportedAndNeverStopTheServer() throws Exception {
        Tools.require("socat", "socat");
        Tools.Result udp = Tools.run(30, "this is not syslog", List.of("socat", "-u", "-", "UDP:127.0.0.1:" + udpPort));
        assertEquals(0, udp.exit(), udp.stderr());
        await().atMost(Duration.ofSeconds(10)).until(() -> syslog.stdout.stream().anyMatch(
                l -> l.startsWith("malformed udp 127.0.0.1:") && l.contains("no PRI") && l.endsWith("(1 so far)")));
        try (Socket tcp = new Socket("127.0.0.1", tcpPort)) {
            OutputStream out = tcp.getOutputStream();
            out.write("<13>1 - - - - - - fine before\n<999>bad pri\n012 <13>1 - - - - - - leading zero".getBytes(
                    StandardCharsets.US_ASCII));
            out.flush();
            tcp.setSoTimeout(10_000);
            assertEquals(-1, tcp.getInputStream().read(), "a broken octet count ends the connection");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> syslog.stdout.stream().anyMatch(
                l -> l.startsWith("malformed tcp") && l.contains("over 191") && l.endsWith("(2 so far)")));
        await().atMost(Duration.ofSeconds(10)).until(() -> syslog.stdout.stream().anyMatch(
                l -> l.startsWith("malformed tcp") && l.contains("closing the connection") && l.endsWith("(3 so far)")));
        assertEquals("fine before", find("fine before").text());
        Printed after = log("still serving", "--udp", "-P", String.valueOf(udpPort), "--rfc5424", "-t", "after");
        assertEquals("after", after.app());
        assertTrue(syslog.process.isAlive());
    }
}
