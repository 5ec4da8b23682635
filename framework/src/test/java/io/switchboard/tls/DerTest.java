package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The DER writer and reader agree, including the long length forms a 2048-bit RSA key needs. */
class DerTest {
    @Test
    void lengthsOfEveryFormRoundTrip() {
        for (int length : new int[] {0, 1, 127, 128, 255, 256, 1217, 65535, 65536}) {
            byte[] content = new byte[length];
            for (int i = 0; i < length; i++) {
                content[i] = (byte) (i % 251);
            }
            byte[] encoded = Der.write(Der.OCTET_STRING, content);
            Der.Element e = Der.read(encoded);
            assertEquals(Der.OCTET_STRING, e.tag());
            assertArrayEquals(content, e.value(), "content of length " + length);
            assertArrayEquals(encoded, e.encoded());
        }
    }

    @Test
    void sequenceChildrenAreListedInOrder() {
        byte[] seq = Der.write(Der.SEQUENCE, Der.write(Der.INTEGER, new byte[] {1}), Der.write(Der.NULL));
        List<Der.Element> children = Der.read(seq).children();
        assertEquals(2, children.size());
        assertEquals(Der.INTEGER, children.get(0).tag());
        assertEquals(Der.NULL, children.get(1).tag());
    }

    @Test
    void malformedInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Der.read(new byte[] {0x30, 0x05, 0x02}));
        assertThrows(IllegalArgumentException.class, () -> Der.read(new byte[] {0x30, (byte) 0x85, 1, 1, 1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> Der.read(new byte[] {0x05, 0x00, 0x00}));
    }

    @Test
    void objectIdentifiersPrintDotted() {
        assertEquals("1.2.840.113549.1.1.1", Der.dotted(Der.RSA_ENCRYPTION));
        assertEquals("1.2.840.10045.2.1", Der.dotted(Der.EC_PUBLIC_KEY));
    }
}
