package io.switchboard.examples.syslog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses one syslog message, whole: RFC 5424 ({@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]}) or
 * the BSD form of RFC 3164 ({@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG}), told apart by what follows the
 * PRI: a version number and a space, or anything else. The same parser serves every transport: a datagram holds one
 * message, a TCP frame (see {@link SyslogFraming}) holds one.
 *
 * <p>RFC 5424 is parsed strictly (every header field checked against its syntax and length, structured data
 * checked element by element) because a sender that claims it can be held to it. The BSD form has no grammar to
 * hold anyone to (RFC 3164 describes what was seen, and says a receiver should take any message): after a valid
 * PRI, a missing timestamp, host or tag just leaves that field empty. Either way a bad PRI or an empty message is
 * malformed. Trailing LF, CR and NUL bytes (some senders end datagrams with them) are not part of the message.
 * Stateless.
 */
public final class SyslogParser {
    /** Months as the BSD timestamp spells them. */
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
            "Sep", "Oct", "Nov", "Dec");
    /** RFC 5424 TIMESTAMP: FULL-DATE "T" FULL-TIME, at most 6 digits of fraction, Z or an offset. */
    private static final Pattern RFC3339 = Pattern.compile(
            "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d{1,6})?"
                    + "(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)");
    private static final Pattern BSD_TIME = Pattern.compile("[ 1-3]\\d ([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d");

    private final byte[] b;
    private final int end;
    private int pos;

    private SyslogParser(byte[] bytes, int end) {
        this.b = bytes;
        this.end = end;
    }

    /**
     * Parses the remaining bytes of {@code in}; its position does not move.
     *
     * @param in one whole message
     * @return the message
     * @throws MalformedSyslog when it is not syslog, or breaks RFC 5424
     */
    public static SyslogMessage parse(ByteBuffer in) {
        byte[] bytes = new byte[in.remaining()];
        in.duplicate().get(bytes);
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r' || bytes[end - 1] == 0)) {
            end--;
        }
        return new SyslogParser(bytes, end).message();
    }

    private SyslogMessage message() {
        if (end == 0) {
            throw new MalformedSyslog("empty message");
        }
        int pri = pri();
        if (pos + 1 < end && b[pos] >= '1' && b[pos] <= '9' && (b[pos + 1] == ' '
                || isDigit(pos + 1) && (pos + 2 < end && b[pos + 2] == ' ' || isDigit(pos + 2) && pos + 3 < end && b[pos + 3] == ' '))) {
            return rfc5424(pri);
        }
        return rfc3164(pri);
    }

    /** {@code <PRIVAL>}: 1 to 3 digits, 0 to 191, no leading zero. */
    private int pri() {
        if (b[0] != '<') {
            throw new MalformedSyslog("no PRI: a syslog message starts with '<', this one with " + shown(0));
        }
        pos = 1;
        int value = 0;
        int digits = 0;
        while (pos < end && isDigit(pos)) {
            if (++digits > 3 || digits == 2 && value == 0) {
                throw new MalformedSyslog("bad PRI: 1 to 3 digits without a leading zero");
            }
            value = value * 10 + (b[pos++] - '0');
        }
        if (digits == 0 || pos >= end || b[pos] != '>') {
            throw new MalformedSyslog("bad PRI: expected digits and '>' at byte " + pos);
        }
        pos++;
        if (value > 191) {
            throw new MalformedSyslog("bad PRI: " + value + " is over 191");
        }
        return value;
    }

    private SyslogMessage rfc5424(int pri) {
        String version = token("VERSION", 3);
        if (!version.equals("1")) {
            throw new MalformedSyslog("unsupported syslog version " + version);
        }
        space("VERSION");
        String timestamp = token("TIMESTAMP", 32);
        if (!timestamp.equals("-") && !RFC3339.matcher(timestamp).matches()) {
            throw new MalformedSyslog("bad TIMESTAMP " + timestamp);
        }
        space("TIMESTAMP");
        String host = token("HOSTNAME", 255);
        space("HOSTNAME");
        String app = token("APP-NAME", 48);
        space("APP-NAME");
        String procid = token("PROCID", 128);
        space("PROCID");
        String msgid = token("MSGID", 32);
        space("MSGID");
        String sd = structuredData();
        String text = "";
        if (pos < end) {
            space("STRUCTURED-DATA");
            text = text(pos);
        }
        return new SyslogMessage("rfc5424", pri >> 3, pri & 7, timestamp, host, app, procid, msgid, sd, text);
    }

    /** A header field: 1 to {@code max} printable US-ASCII characters up to the next space. */
    private String token(String field, int max) {
        int start = pos;
        while (pos < end && b[pos] != ' ') {
            if (b[pos] < 33 || b[pos] > 126) {
                throw new MalformedSyslog(field + " has a byte that is not printable US-ASCII at " + pos);
            }
            pos++;
        }
        if (pos == start) {
            throw new MalformedSyslog(field + " missing at byte " + start);
        }
        if (pos - start > max) {
            throw new MalformedSyslog(field + " longer than " + max + " characters");
        }
        return new String(b, start, pos - start, StandardCharsets.US_ASCII);
    }

    private void space(String after) {
        if (pos >= end) {
            throw new MalformedSyslog("message ends after " + after + ": the RFC 5424 header is cut short");
        }
        if (b[pos] != ' ') {
            throw new MalformedSyslog("expected a space after " + after + " at byte " + pos);
        }
        pos++;
    }

    /** {@code "-"} or one or more {@code [SD-ID *(SP PARAM-NAME="PARAM-VALUE")]}, checked and returned as sent. */
    private String structuredData() {
        int start = pos;
        if (pos < end && b[pos] == '-') {
            pos++;
            return "-";
        }
        if (pos >= end || b[pos] != '[') {
            throw new MalformedSyslog("STRUCTURED-DATA must be '-' or start with '[' at byte " + pos);
        }
        while (pos < end && b[pos] == '[') {
            pos++;
            sdName("SD-ID");
            while (pos < end && b[pos] == ' ') {
                pos++;
                sdName("PARAM-NAME");
                if (pos + 1 >= end || b[pos] != '=' || b[pos + 1] != '"') {
                    throw new MalformedSyslog("expected =\" after PARAM-NAME at byte " + pos);
                }
                pos += 2;
                paramValue();
            }
            if (pos >= end || b[pos] != ']') {
                throw new MalformedSyslog("SD-ELEMENT not closed by ']' at byte " + pos);
            }
            pos++;
        }
        return new String(b, start, pos - start, StandardCharsets.UTF_8);
    }

    /** SD-NAME: 1 to 32 printable US-ASCII characters but '=', space, ']' and '"'. */
    private void sdName(String what) {
        int start = pos;
        while (pos < end && b[pos] >= 33 && b[pos] <= 126 && b[pos] != '=' && b[pos] != ']' && b[pos] != '"') {
            pos++;
        }
        if (pos == start || pos - start > 32) {
            throw new MalformedSyslog(what + " must be 1 to 32 characters, at byte " + start);
        }
    }

    /** PARAM-VALUE up to its closing quote; '"', '\' and ']' inside are escaped with '\'. */
    private void paramValue() {
        while (pos < end) {
            byte c = b[pos++];
            if (c == '\\' && pos < end) {
                pos++;
            } else if (c == '"') {
                return;
            } else if (c == ']') {
                throw new MalformedSyslog("unescaped ']' in PARAM-VALUE at byte " + (pos - 1));
            }
        }
        throw new MalformedSyslog("PARAM-VALUE not closed by '\"'");
    }

    /** The BSD form: what RFC 3164 found in use, taken leniently after a valid PRI. */
    private SyslogMessage rfc3164(int pri) {
        String timestamp = "-";
        String host = "-";
        if (end - pos >= 16 && MONTHS.contains(ascii(pos, 3)) && b[pos + 3] == ' ' && b[pos + 15] == ' '
                && BSD_TIME.matcher(ascii(pos + 4, 11)).matches()) {
            timestamp = ascii(pos, 15);
            pos += 16;
            host = bsdHost();
        } else {
            int space = indexOf(' ', pos);
            if (space > pos && RFC3339.matcher(ascii(pos, space - pos)).matches()) {
                timestamp = ascii(pos, space - pos);
                pos = space + 1;
                host = bsdHost();
            }
        }
        // TAG[PID]: the first word, when it ends with ':' (or is name[pid]); otherwise the text has no tag.
        String app = "-";
        String procid = "-";
        int wordEnd = indexOf(' ', pos);
        String word = ascii(pos, (wordEnd < 0 ? end : wordEnd) - pos);
        String tag = word.endsWith(":") ? word.substring(0, word.length() - 1)
                : word.endsWith("]") && word.indexOf('[') > 0 ? word : null;
        if (tag != null && !tag.isEmpty()) {
            int open = tag.indexOf('[');
            if (open > 0 && tag.endsWith("]")) {
                procid = tag.length() - open > 2 ? tag.substring(open + 1, tag.length() - 1) : "-";
                tag = tag.substring(0, open);
            }
            app = tag;
            pos = wordEnd < 0 ? end : wordEnd + 1;
        }
        return new SyslogMessage("rfc3164", pri >> 3, pri & 7, timestamp, host, app, procid, "-", "-", text(pos));
    }

    /** The word after the timestamp, unless it is already the tag (it ends with ':' or holds '['). */
    private String bsdHost() {
        int space = indexOf(' ', pos);
        if (space <= pos) {
            return "-";
        }
        String word = ascii(pos, space - pos);
        if (word.endsWith(":") || word.contains("[")) {
            return "-";
        }
        pos = space + 1;
        return word;
    }

    /** MSG: UTF-8, a leading BOM dropped; bytes that are not UTF-8 become U+FFFD. */
    private String text(int from) {
        if (end - from >= 3 && (b[from] & 0xff) == 0xEF && (b[from + 1] & 0xff) == 0xBB && (b[from + 2] & 0xff) == 0xBF) {
            from += 3;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    private int indexOf(char c, int from) {
        for (int i = from; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private boolean isDigit(int at) {
        return at < end && b[at] >= '0' && b[at] <= '9';
    }

    private String ascii(int from, int length) {
        return new String(b, from, Math.max(0, Math.min(length, end - from)), StandardCharsets.ISO_8859_1);
    }

    private String shown(int at) {
        int c = b[at] & 0xff;
        return c >= 32 && c < 127 ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
    }
}
