package io.switchboard.examples.syslog;

import java.util.List;

/**
 * One syslog message, parsed: RFC 5424 or the older BSD form (RFC 3164). Fields the message leaves out (RFC 5424's
 * NILVALUE, or what the BSD form has no place for) are {@code "-"}.
 *
 * @param format         {@code "rfc5424"} or {@code "rfc3164"}
 * @param facility       0 to 23
 * @param severity       0 (emergency) to 7 (debug)
 * @param timestamp      as sent: RFC 3339 for RFC 5424, {@code "Mmm dd hh:mm:ss"} for the BSD form
 * @param host           HOSTNAME
 * @param app            APP-NAME, or the BSD form's TAG
 * @param procid         PROCID, or the BSD form's {@code [pid]}
 * @param msgid          MSGID ({@code "-"} in the BSD form)
 * @param structuredData STRUCTURED-DATA as sent, checked for syntax ({@code "-"} when none)
 * @param text           MSG, decoded as UTF-8 (a BOM removed)
 */
public record SyslogMessage(String format, int facility, int severity, String timestamp, String host, String app,
                            String procid, String msgid, String structuredData, String text) {

    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7");
    private static final List<String> SEVERITIES = List.of("emerg", "alert", "crit", "err", "warning", "notice",
            "info", "debug");

    /** {@return the facility's name, as logger(1) and syslog.h spell it} */
    public String facilityName() {
        return FACILITIES.get(facility);
    }

    /** {@return the severity's name, as logger(1) and syslog.h spell it} */
    public String severityName() {
        return SEVERITIES.get(severity);
    }
}
