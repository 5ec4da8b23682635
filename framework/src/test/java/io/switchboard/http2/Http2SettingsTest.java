package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The six settings: initial values, ranges, merging an update, the SETTINGS payload; and the error codes. */
class Http2SettingsTest {
    @Test
    void theInitialValuesOfRfc9113() {
        Http2Settings d = Http2Settings.DEFAULTS;
        assertEquals(4096, d.headerTableSize());
        assertTrue(d.enablePush());
        assertEquals(Http2Settings.UNLIMITED, d.maxConcurrentStreams());
        assertEquals(65_535, d.initialWindowSize());
        assertEquals(16_384, d.maxFrameSize());
        assertEquals(Http2Settings.UNLIMITED, d.maxHeaderListSize());
        assertEquals(0, d.encodedLength(), "nothing set: an empty SETTINGS payload");
        for (int id = 1; id <= 6; id++) {
            assertFalse(d.isSet(id));
        }
    }

    @Test
    void valuesOutOfRangeAreRefusedWhenSet() {
        Http2Settings d = Http2Settings.DEFAULTS;
        assertThrows(IllegalArgumentException.class, () -> d.with(Http2Settings.ENABLE_PUSH, 2));
        assertThrows(IllegalArgumentException.class, () -> d.with(Http2Settings.INITIAL_WINDOW_SIZE, 1L << 31));
        assertThrows(IllegalArgumentException.class, () -> d.with(Http2Settings.MAX_FRAME_SIZE, 16_383));
        assertThrows(IllegalArgumentException.class, () -> d.with(Http2Settings.MAX_FRAME_SIZE, 1 << 24));
        assertThrows(IllegalArgumentException.class, () -> d.with(Http2Settings.HEADER_TABLE_SIZE, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> d.with(Http2Settings.MAX_HEADER_LIST_SIZE, -1));
        assertThrows(IllegalArgumentException.class, () -> d.with(7, 1));
        assertThrows(IllegalArgumentException.class, () -> d.get(0));
    }

    @Test
    void anUpdateChangesOnlyWhatItSets() {
        Http2Settings inForce = Http2Settings.DEFAULTS.with(Http2Settings.MAX_CONCURRENT_STREAMS, 100)
                .with(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20);
        Http2Settings update = Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 0)
                .with(Http2Settings.MAX_FRAME_SIZE, 32_768);
        Http2Settings merged = inForce.merge(update);
        assertEquals(100, merged.maxConcurrentStreams(), "kept: the update did not set it");
        assertEquals(0, merged.initialWindowSize(), "changed: the update set it, to 0");
        assertEquals(32_768, merged.maxFrameSize());
        assertEquals(4096, merged.headerTableSize(), "never set: the initial value");
        assertTrue(merged.isSet(Http2Settings.MAX_CONCURRENT_STREAMS) && merged.isSet(Http2Settings.MAX_FRAME_SIZE));
        assertFalse(merged.isSet(Http2Settings.HEADER_TABLE_SIZE));
    }

    @Test
    void encodedAndReadBack() {
        Http2Settings s = Http2Settings.DEFAULTS.with(Http2Settings.HEADER_TABLE_SIZE, Http2Settings.UNLIMITED)
                .with(Http2Settings.ENABLE_PUSH, 0).with(Http2Settings.MAX_HEADER_LIST_SIZE, 8192);
        ByteBuffer payload = ByteBuffer.allocate(s.encodedLength());
        s.encode(payload);
        assertEquals(18, payload.position(), "three settings of 6 bytes");
        payload.flip();
        assertEquals(s, Http2Settings.read(payload, 18, true));
        assertEquals(18, payload.position(), "the payload is consumed");
    }

    @Test
    void errorCodes() {
        assertEquals(0xb, Http2Error.ENHANCE_YOUR_CALM.code());
        assertEquals(Http2Error.HTTP_1_1_REQUIRED, Http2Error.of(0xd));
        assertEquals(Http2Error.NO_ERROR, Http2Error.of(0));
        assertEquals(Http2Error.INTERNAL_ERROR, Http2Error.of(0xe), "an unknown code is treated as INTERNAL_ERROR");
        assertEquals(Http2Error.INTERNAL_ERROR, Http2Error.of(0xFFFF_FFFF), "read as unsigned: 4294967295, unknown");
        Http2Exception stream = Http2Exception.stream(3, Http2Error.CANCEL, "x");
        assertFalse(stream.isConnectionError());
        assertTrue(Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "x").isConnectionError());
        assertThrows(IllegalArgumentException.class, () -> Http2Exception.stream(0, Http2Error.CANCEL, "a stream error needs a stream"));
    }
}
