package io.switchboard.examples.syslog;

import io.switchboard.pipeline.ProtocolException;

/** A message that is not syslog, or breaks RFC 5424's syntax. The reason names what is wrong and where. */
public final class MalformedSyslog extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong */
    public MalformedSyslog(String reason) {
        super(reason);
    }
}
