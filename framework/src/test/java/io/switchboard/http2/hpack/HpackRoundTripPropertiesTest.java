package io.switchboard.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Blocks encoded then decoded give back their fields, across changes of the peer's table size between blocks
 * (lowered, raised, lowered then raised), with the encoder's and the decoder's tables equal after each block.
 * And any bytes at all either decode or are refused with {@link HpackException}, never another exception.
 */
class HpackRoundTripPropertiesTest {
    private static final int LIST_LIMIT = 1 << 20;

    record Field(String name, String value, boolean sensitive) {
    }

    /** A block and the table sizes the peer's SETTINGS announce (and are acknowledged) before it. */
    record Step(List<Integer> sizesBefore, List<Field> fields) {
    }

    @Property(tries = 300)
    void encodedBlocksDecodeToTheirFields(@ForAll("limits") int ownLimit, @ForAll("steps") List<Step> steps)
            throws HpackException {
        HpackEncoder encoder = new HpackEncoder(ownLimit);
        HpackDecoder decoder = new HpackDecoder(LIST_LIMIT);
        HeaderBlock out = new HeaderBlock(16);
        for (Step step : steps) {
            for (int size : step.sizesBefore()) {
                encoder.setMaxTableSize(size);
                decoder.setMaxTableSize(size);
            }
            out.clear();
            encoder.startBlock(out);
            List<String> expected = new ArrayList<>();
            for (Field f : step.fields()) {
                encoder.field(out, f.name(), f.value(), f.sensitive());
                expected.add(f.name().toLowerCase(Locale.ROOT) + ": " + f.value());
            }
            assertEquals(expected, Hpack.decode(decoder, out.toByteArray()));
            assertEquals(lowercaseNames(Hpack.entries(encoder.table())), Hpack.entries(decoder.table()), "tables in step");
            assertEquals(encoder.table().size(), decoder.table().size());
            assertTrue(encoder.table().maxSize() <= ownLimit, "never above the encoder's own limit " + ownLimit);
        }
    }

    @Property(tries = 1000)
    @Tag("hardening")
    void anyBytesDecodeOrAreRefused(@ForAll("bytes") byte[] block, @ForAll("smallLimits") int listLimit) {
        HpackDecoder decoder = new HpackDecoder(listLimit);
        long[] delivered = {0};
        try {
            decoder.decode(block, 0, block.length, (n, v) -> delivered[0] += n.length() + v.length() + 32);
        } catch (HpackException expected) {
            // refused: fine, as long as it is this exception and nothing else
        }
        assertTrue(delivered[0] <= listLimit, delivered[0] + " octets handed over, limit " + listLimit);
        assertTrue(decoder.table().size() <= decoder.table().maxSize());
    }

    private static List<String> lowercaseNames(List<String> entries) {
        List<String> lower = new ArrayList<>();
        for (String e : entries) {
            int colon = e.indexOf(": ", 1);
            lower.add(e.substring(0, colon).toLowerCase(Locale.ROOT) + e.substring(colon));
        }
        return lower;
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.of(0, 64, 256, 4096, 65_536);
    }

    @Provide
    Arbitrary<Integer> smallLimits() {
        return Arbitraries.of(0, 100, 4096, 65_536);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        // mostly the interesting first bytes and small integers, so blocks get past their first field
        Arbitrary<Byte> interesting = Arbitraries.of((byte) 0x82, (byte) 0xBE, (byte) 0x40, (byte) 0x00, (byte) 0x10,
                (byte) 0x20, (byte) 0x3F, (byte) 0x7F, (byte) 0xFF, (byte) 0x80, (byte) 0x01, (byte) 0x61, (byte) 0x1F);
        Arbitrary<Byte> any = Arbitraries.bytes();
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, interesting), net.jqwik.api.Tuple.of(1, any))
                .array(byte[].class).ofMaxSize(64);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> size = Arbitraries.oneOf(Arbitraries.of(0, 32, 100, 4096, 8192), Arbitraries.integers().between(0, 5000));
        Arbitrary<List<Integer>> sizes = Arbitraries.oneOf(Arbitraries.just(List.of()), Arbitraries.just(List.of()),
                size.list().ofMinSize(1).ofMaxSize(3));
        Arbitrary<Step> step = Combinators.combine(sizes, field().list().ofMaxSize(12)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(8);
    }

    private static Arbitrary<Field> field() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of(":authority", ":method", ":path", ":scheme", ":status", "accept-encoding", "content-type",
                        "content-length", "cookie", "set-cookie", "authorization", "date", "server", "etag", "Content-Type",
                        "X-Request-Id", "x-custom"),
                Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMinLength(1).ofMaxLength(20));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("", "GET", "/", "200", "gzip, deflate", "text/plain", "a-cookie-longer-than-twenty", "short"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40),
                Arbitraries.strings().withCharRange((char) 0, (char) 255).ofMaxLength(300));
        return Combinators.combine(names, values, Arbitraries.of(false, false, false, true)).as(Field::new);
    }
}
