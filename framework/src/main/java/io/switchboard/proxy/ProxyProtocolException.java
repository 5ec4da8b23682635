package io.switchboard.proxy;

import io.switchboard.pipeline.ProtocolException;

/** A PROXY protocol header that breaks the specification, or is over its size bound: the connection is closed. Immutable. */
public final class ProxyProtocolException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** True when the header was refused for its size rather than its form. */
    private final boolean oversized;

    /**
     * A malformed header.
     *
     * @param message what was wrong with it
     */
    public ProxyProtocolException(String message) {
        this(false, message);
    }

    ProxyProtocolException(boolean oversized, String message) {
        super(message);
        this.oversized = oversized;
    }

    /** {@return true when the header was refused for its size (its fields over the bound), not for its form} */
    public boolean isOversized() {
        return oversized;
    }
}
