package io.switchboard.examples.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 5424 held to its grammar, the BSD form of RFC 3164 taken as it is found, bad PRIs refused. */
class SyslogParserTest {

    private static SyslogMessage parse(String text) {
        return SyslogParser.parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String reason(String text) {
        return assertThrows(MalformedSyslog.class, () -> parse(text)).getMessage();
    }

    @Test
    void rfc5424WithEveryField() {
        SyslogMessage m = parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47"
                + " [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \uFEFFAn application"
                + " event log entry...");
        assertEquals(new SyslogMessage("rfc5424", 20, 5, "2003-10-11T22:14:15.003Z", "mymachine.example.com", "evntslog",
                "1234", "ID47", "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]",
                "An application event log entry..."), m);
        assertEquals("local4", m.facilityName());
        assertEquals("notice", m.severityName());
    }

    @Test
    void rfc5424NilValuesAndNoMessage() {
        SyslogMessage m = parse("<34>1 - - - - - -");
        assertEquals(new SyslogMessage("rfc5424", 4, 2, "-", "-", "-", "-", "-", "-", ""), m);
        assertEquals("auth", m.facilityName());
        assertEquals("crit", m.severityName());
    }

    @Test
    void rfc5424EscapesInsideParamValuesAndSeveralElements() {
        SyslogMessage m = parse("<13>1 2026-12-01T22:33:13.860400+00:00 vm app2 - - [a x=\"q\\\"\\]\\\\\"][b@1] hi");
        assertEquals("[a x=\"q\\\"\\]\\\\\"][b@1]", m.structuredData());
        assertEquals("hi", m.text());
    }

    @Test
    void rfc5424IsHeldToItsGrammar() {
        assertTrue(reason("<13>2 - - - - - -").contains("version 2"));
        assertTrue(reason("<13>1 yesterday host app - - -").contains("TIMESTAMP"));
        assertTrue(reason("<13>1 - host app - -").contains("ends after MSGID"));
        assertTrue(reason("<13>1 - host app - - [id x=\"unclosed] hi").contains("PARAM-VALUE"));
        assertEquals("[late]", parse("<13>1 - host app - - [id] [late]").text(), "after SD and a space, all is MSG");
        assertTrue(reason("<13>1 - host app - - [id]x").contains("after STRUCTURED-DATA"));
        assertTrue(reason("<13>1 - host " + "a".repeat(49) + " - - -").contains("APP-NAME longer than 48"));
        assertTrue(reason("<13>1 -  host app - - -").contains("HOSTNAME missing"));
        assertTrue(reason("<13>1 - host app - " + "m".repeat(33) + " -").contains("MSGID"));
    }

    @Test
    void bsdFormAsLoggerSendsIt() {
        assertEquals(new SyslogMessage("rfc3164", 2, 3, "Dec  1 22:33:13", "vm", "myapp", "13562", "-", "-", "bsd form"),
                parse("<19>Dec  1 22:33:13 vm myapp[13562]: bsd form"));
        assertEquals(new SyslogMessage("rfc3164", 1, 5, "Oct 11 22:14:15", "mymachine", "su", "-", "-", "-",
                "'su root' failed for lonvick on /dev/pts/8"),
                parse("<13>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"));
    }

    @Test
    void bsdFormWithPartsMissingKeepsWhatIsThere() {
        assertEquals(new SyslogMessage("rfc3164", 0, 0, "-", "-", "-", "-", "-", "-", "just text"), parse("<0>just text"));
        assertEquals(new SyslogMessage("rfc3164", 1, 5, "-", "-", "sshd", "77", "-", "-", "accepted"),
                parse("<13>sshd[77]: accepted"));
        assertEquals(new SyslogMessage("rfc3164", 1, 5, "Dec  1 22:33:13", "-", "cron", "-", "-", "-", "ran"),
                parse("<13>Dec  1 22:33:13 cron: ran"), "no host: the word after the time is the tag");
        assertEquals(new SyslogMessage("rfc3164", 1, 5, "2026-12-01T22:33:13Z", "box", "app", "-", "-", "-", "x"),
                parse("<13>2026-12-01T22:33:13Z box app: x"), "an RFC 3339 time in the old form, as rsyslog sends");
    }

    @Test
    void trailingLineEndsAndNulAreNotPartOfTheMessage() {
        assertEquals("hello", parse("<13>1 - - - - - - hello\r\n").text());
        assertEquals("hello", parse("<13>Dec  1 22:33:13 vm a: hello\n\0").text());
    }

    @Test
    void aBadPriOrAnEmptyMessageIsMalformed() {
        assertTrue(reason("").contains("empty"));
        assertTrue(reason("hello").contains("no PRI"));
        assertTrue(reason("<192>x").contains("over 191"));
        assertTrue(reason("<013>x").contains("leading zero"));
        assertTrue(reason("<1234>x").contains("1 to 3 digits"));
        assertTrue(reason("<>x").contains("bad PRI"));
        assertTrue(reason("<13").contains("bad PRI"));
    }

    @Test
    void textThatIsNotUtf8IsReplacedNotRefused() {
        byte[] bytes = {'<', '1', '3', '>', 'h', 'i', ' ', (byte) 0xff};
        assertEquals("hi \uFFFD", SyslogParser.parse(ByteBuffer.wrap(bytes)).text());
    }
}
