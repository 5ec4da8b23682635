package io.switchboard.websocket;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of permessage-deflate (RFC 7692) as agreed for one connection, and the negotiation that agrees them:
 * a server answers a client's {@code Sec-WebSocket-Extensions} offers with {@link #negotiate} and sends back
 * {@link #header()}; a client offers {@link #offer} and reads the server's answer with {@link #fromResponse}. Pure
 * functions, no I/O. Immutable.
 *
 * <p>The JDK's {@link java.util.zip.Deflater} always compresses with a 15-bit window (32 KiB) and cannot be told to
 * use a smaller one, so an offer whose {@code server_max_window_bits} is below 15 is declined rather than accepted and
 * broken (the next offer, if any, is tried); an inflater reads any window, so {@code client_max_window_bits} is
 * accepted whatever it says and never limited in the answer.
 *
 * @param serverNoContextTakeover the server compresses each message on its own
 * @param clientNoContextTakeover the client compresses each message on its own
 * @param serverMaxWindowBits     the server's window as agreed, 8 to 15, or 0 when the parameter is absent (15)
 * @param clientMaxWindowBits     the client's window as agreed, 8 to 15, or 0 when the parameter is absent (15)
 */
public record PerMessageDeflate(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                                int serverMaxWindowBits, int clientMaxWindowBits) {
    /** The extension's name in {@code Sec-WebSocket-Extensions}. */
    public static final String NAME = "permessage-deflate";

    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /**
     * Validates the window sizes.
     *
     * @param serverNoContextTakeover the server compresses each message on its own
     * @param clientNoContextTakeover the client compresses each message on its own
     * @param serverMaxWindowBits     8 to 15, or 0 for none
     * @param clientMaxWindowBits     8 to 15, or 0 for none
     * @throws IllegalArgumentException when a window size is out of range
     */
    public PerMessageDeflate {
        if (!validBits(serverMaxWindowBits) || !validBits(clientMaxWindowBits)) {
            throw new IllegalArgumentException("window bits must be 8 to 15, or 0 for none");
        }
    }

    /**
     * The server side of the negotiation: the first offer of permessage-deflate this side can honour, answered with the
     * context takeover {@code options} ask for.
     *
     * <p>An offer is declined when it names a parameter twice or one that RFC 7692 does not define, gives a value the
     * RFC does not allow ({@code server_max_window_bits} without one, a value outside 8 to 15, a value on a
     * {@code *_no_context_takeover}), or asks for a server window below 15.
     *
     * @param offers  the {@code Sec-WebSocket-Extensions} values of the request, joined with commas; null for none
     * @param options this side's options; null declines every offer
     * @return the agreed parameters (send {@link #header()} back), or empty to run without compression
     */
    public static Optional<PerMessageDeflate> negotiate(String offers, DeflateOptions options) {
        if (offers == null || options == null) {
            return Optional.empty();
        }
        for (Extensions.Extension e : Extensions.parse(offers)) {
            if (!e.name().equalsIgnoreCase(NAME)) {
                continue;
            }
            PerMessageDeflate offer = read(e.params());
            if (offer == null || offer.serverMaxWindowBits != 0 && offer.serverMaxWindowBits < 15) {
                continue;
            }
            return Optional.of(new PerMessageDeflate(
                    offer.serverNoContextTakeover || options.serverNoContextTakeover(),
                    offer.clientNoContextTakeover || options.clientNoContextTakeover(),
                    offer.serverMaxWindowBits, 0));
        }
        return Optional.empty();
    }

    /**
     * The client side's offer: permessage-deflate with the context takeover {@code options} ask for. It never offers
     * {@code client_max_window_bits}, so no server may ask this side for a window the JDK cannot make.
     *
     * @param options this side's options
     * @return the value of {@code Sec-WebSocket-Extensions} to send
     */
    public static String offer(DeflateOptions options) {
        return new PerMessageDeflate(options.serverNoContextTakeover(), options.clientNoContextTakeover(), 0, 0).header();
    }

    /**
     * The client side of the negotiation: what the server agreed to in its answer.
     *
     * @param response the {@code Sec-WebSocket-Extensions} value of the server's answer; null or blank for none
     * @return the agreed parameters, or empty when the server did not agree to compression
     * @throws IllegalArgumentException when the answer is one the client must refuse (RFC 7692 section 7.1: the
     *                                  client then fails the connection): permessage-deflate twice, a parameter
     *                                  RFC 7692 does not define or with a value it does not allow, or a
     *                                  {@code client_max_window_bits} the client did not offer
     */
    public static Optional<PerMessageDeflate> fromResponse(String response) {
        if (response == null || response.isBlank()) {
            return Optional.empty();
        }
        PerMessageDeflate agreed = null;
        for (Extensions.Extension e : Extensions.parse(response)) {
            if (!e.name().equalsIgnoreCase(NAME)) {
                throw new IllegalArgumentException("the server agreed to an extension not offered: " + e.name());
            }
            if (agreed != null) {
                throw new IllegalArgumentException("the server agreed to permessage-deflate twice");
            }
            agreed = read(e.params());
            if (agreed == null) {
                throw new IllegalArgumentException("the server's permessage-deflate parameters are not valid: " + response);
            }
            if (agreed.clientMaxWindowBits != 0) {
                throw new IllegalArgumentException("the server set client_max_window_bits, which was not offered");
            }
        }
        return Optional.ofNullable(agreed);
    }

    /** {@return the {@code Sec-WebSocket-Extensions} value that states these parameters} */
    public String header() {
        StringBuilder b = new StringBuilder(NAME);
        if (serverNoContextTakeover) {
            b.append("; ").append(SERVER_NO_CONTEXT_TAKEOVER);
        }
        if (clientNoContextTakeover) {
            b.append("; ").append(CLIENT_NO_CONTEXT_TAKEOVER);
        }
        if (serverMaxWindowBits != 0) {
            b.append("; ").append(SERVER_MAX_WINDOW_BITS).append('=').append(serverMaxWindowBits);
        }
        if (clientMaxWindowBits != 0) {
            b.append("; ").append(CLIENT_MAX_WINDOW_BITS).append('=').append(clientMaxWindowBits);
        }
        return b.toString();
    }

    /**
     * The parameters of one offer or answer; a bare {@code client_max_window_bits} (allowed in an offer) reads as 15.
     *
     * @return them, or null when they break RFC 7692 section 7.1
     */
    private static PerMessageDeflate read(List<Extensions.Param> params) {
        Set<String> seen = new HashSet<>();
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = 0;
        int clientBits = 0;
        for (Extensions.Param p : params) {
            String name = p.name().toLowerCase(java.util.Locale.ROOT);
            if (!seen.add(name)) {
                return null;
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return null;
                    }
                    serverNoContext = true;
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return null;
                    }
                    clientNoContext = true;
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    serverBits = bits(p.value());
                    if (serverBits == 0) {
                        return null;
                    }
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    clientBits = p.value() == null ? 15 : bits(p.value());
                    if (clientBits == 0) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return new PerMessageDeflate(serverNoContext, clientNoContext, serverBits, clientBits);
    }

    /** {@return the window bits {@code value} states (8 to 15, no leading zero), or 0 when it is not one} */
    private static int bits(String value) {
        if (value == null || value.isEmpty() || value.length() > 2 || value.charAt(0) == '0') {
            return 0;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return 0;
            }
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : 0;
    }

    private static boolean validBits(int bits) {
        return bits == 0 || bits >= 8 && bits <= 15;
    }
}
