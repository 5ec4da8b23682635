package io.switchboard.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Numeric addresses read without a lookup, and the ranges of trusted proxies built on them. */
class NetworkRangeTest {
    @Test
    void readsEveryIpv6FormInetAddressWrites() throws Exception {
        Random random = new Random(16);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            for (int zero = random.nextInt(8); zero < 8 && random.nextBoolean(); zero++) {
                bytes[zero * 2] = 0; // runs of zero groups, for "::"
                bytes[zero * 2 + 1] = 0;
            }
            String text = InetAddress.getByAddress(bytes).getHostAddress(); // full form, e.g. 2001:db8:0:0:0:0:0:1
            assertArrayEquals(bytes, IpLiterals.ipv6(text, 0, text.length()), text);
            String compressed = text.replaceFirst("(^|:)(0(:|$)){2,}", "::");
            assertArrayEquals(bytes, IpLiterals.ipv6(compressed, 0, compressed.length()), compressed);
        }
        for (String bad : List.of(":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7:8::", "::1.2.3", "::1.2.3.04", "g::1", "1:", ":1")) {
            assertNull(IpLiterals.ipv6(bad, 0, bad.length()), bad);
        }
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1},
                IpLiterals.ipv6("::ffff:192.0.2.1", 0, 16), "the last 32 bits may be written as IPv4");
    }

    @Test
    void rangesMatchByPrefixAndFamily() throws Exception {
        NetworkRange ten = NetworkRange.parse("10.0.0.0/8");
        assertTrue(ten.contains(InetAddress.getByName("10.255.1.2")));
        assertFalse(ten.contains(InetAddress.getByName("11.0.0.1")));
        NetworkRange odd = NetworkRange.parse("192.168.4.0/22");
        assertTrue(odd.contains(InetAddress.getByName("192.168.7.255")));
        assertFalse(odd.contains(InetAddress.getByName("192.168.8.0")));
        NetworkRange v6 = NetworkRange.parse("2001:db8::/32");
        assertTrue(v6.contains(InetAddress.getByName("2001:db8:ffff::1")));
        assertFalse(v6.contains(InetAddress.getByName("10.0.0.1")), "families never mix");
        assertTrue(NetworkRange.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.1")));
        assertTrue(NetworkRange.parse("::1").contains(InetAddress.getByName("::1")));
        assertEquals(NetworkRange.parse("10.0.0.0/8"), ten);
    }
}
