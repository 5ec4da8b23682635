package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The negotiation of RFC 7692 section 7.1, as pure functions from offers to answers. */
class PerMessageDeflateTest {
    private static final DeflateOptions OPTIONS = DeflateOptions.DEFAULTS;

    private static String answer(String offers) {
        return PerMessageDeflate.negotiate(offers, OPTIONS).map(PerMessageDeflate::header).orElse(null);
    }

    @Test
    void acceptsAPlainOffer() {
        assertEquals("permessage-deflate", answer("permessage-deflate"));
        assertEquals(new PerMessageDeflate(false, false, 0, 0), PerMessageDeflate.negotiate("permessage-deflate", OPTIONS).get());
    }

    @Test
    void acceptsWhatABrowserOffers() {
        // Chrome and Firefox send this.
        assertEquals("permessage-deflate", answer("permessage-deflate; client_max_window_bits"));
    }

    @Test
    void agreesToContextTakeoverAsOffered() {
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                answer("permessage-deflate; client_no_context_takeover; server_no_context_takeover"));
        assertEquals("permessage-deflate; client_no_context_takeover", answer("permessage-deflate;client_no_context_takeover"));
    }

    @Test
    void theOptionsMayImposeNoContextTakeover() {
        DeflateOptions both = OPTIONS.withNoContextTakeover(true, true);
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                PerMessageDeflate.negotiate("permessage-deflate", both).get().header());
    }

    @Test
    void aServerWindowOf15IsAcceptedAndStated() {
        assertEquals("permessage-deflate; server_max_window_bits=15", answer("permessage-deflate; server_max_window_bits=15"));
        assertEquals("permessage-deflate; server_max_window_bits=15", answer("permessage-deflate; server_max_window_bits=\"15\""));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14})
    void aSmallerServerWindowIsDeclinedBecauseTheJdkCannotMakeOne(int bits) {
        assertEquals(null, answer("permessage-deflate; server_max_window_bits=" + bits));
        // The next offer, without the parameter, is taken instead.
        assertEquals("permessage-deflate; client_no_context_takeover",
                answer("permessage-deflate; server_max_window_bits=" + bits + ", permessage-deflate; client_no_context_takeover"));
    }

    @Test
    void anyClientWindowIsAcceptedAndNotLimited() {
        for (String offer : new String[] {"client_max_window_bits=8", "client_max_window_bits=10", "client_max_window_bits=15"}) {
            assertEquals("permessage-deflate", answer("permessage-deflate; " + offer), offer);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "permessage-deflate; unknown_param",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate; server_no_context_takeover=1",
            "permessage-deflate; client_no_context_takeover=true",
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits=7",
            "permessage-deflate; server_max_window_bits=015",
            "permessage-deflate; client_max_window_bits=16",
            "permessage-deflate; client_max_window_bits=abc",
            "permessage-deflate; client_max_window_bits=\"unterminated",
            "permessage-deflate; =15",
            "x-webkit-deflate-frame",
            ""})
    void declinesOffersThatBreakTheRfc(String offer) {
        assertEquals(null, answer(offer));
    }

    @Test
    void aBadOfferDoesNotSpoilTheNextOne() {
        assertEquals("permessage-deflate; server_no_context_takeover",
                answer("foo; bar=\"a,b\", permessage-deflate; bogus, permessage-deflate; server_no_context_takeover"));
    }

    @Test
    void noOptionsDeclineEverything() {
        assertEquals(Optional.empty(), PerMessageDeflate.negotiate("permessage-deflate", null));
        assertEquals(Optional.empty(), PerMessageDeflate.negotiate(null, OPTIONS));
    }

    @Test
    void aClientOffersWithoutAClientWindowAndReadsTheAnswer() {
        assertEquals("permessage-deflate", PerMessageDeflate.offer(OPTIONS));
        assertEquals("permessage-deflate; client_no_context_takeover",
                PerMessageDeflate.offer(OPTIONS.withNoContextTakeover(false, true)));
        assertEquals(Optional.of(new PerMessageDeflate(true, false, 10, 0)),
                PerMessageDeflate.fromResponse("permessage-deflate; server_no_context_takeover; server_max_window_bits=10"));
        assertEquals(Optional.empty(), PerMessageDeflate.fromResponse(null));
        assertEquals(Optional.empty(), PerMessageDeflate.fromResponse(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "permessage-deflate; client_max_window_bits=10",
            "permessage-deflate, permessage-deflate",
            "permessage-deflate; mystery",
            "x-other-extension"})
    void aClientRefusesAnAnswerItCannotHonour(String response) {
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflate.fromResponse(response));
    }

    @Test
    void parsesQuotedValuesAndSpaces() {
        var parsed = Extensions.parse(" a ; b = \"x\\\"y\" ;c, d");
        assertEquals(2, parsed.size());
        assertEquals("a", parsed.get(0).name());
        assertEquals("x\"y", parsed.get(0).params().get(0).value());
        assertEquals(null, parsed.get(0).params().get(1).value());
        assertTrue(parsed.get(1).params().isEmpty());
    }
}
