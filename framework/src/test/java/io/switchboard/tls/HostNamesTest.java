package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Host name rules: which hosts get SNI, which names a wildcard covers, which SNI names can be configured. */
class HostNamesTest {
    @Test
    void ipLiteralsAreRecognisedWithoutLookups() {
        assertTrue(HostNames.isIpLiteral("127.0.0.1"));
        assertTrue(HostNames.isIpLiteral("::1"));
        assertTrue(HostNames.isIpLiteral("fe80::1%eth0"));
        assertFalse(HostNames.isIpLiteral("localhost"));
        assertFalse(HostNames.isIpLiteral("1.2.3.example"));
        assertFalse(HostNames.isIpLiteral("256.1.1.1"));
        assertFalse(HostNames.isIpLiteral("1.2.3"));
    }

    @Test
    void wildcardCoversExactlyOneLabel() {
        assertEquals("*.example.com", HostNames.wildcardOf("a.example.com"));
        assertEquals("*.b.example.com", HostNames.wildcardOf("a.b.example.com"), "not *.example.com: one label only");
        assertEquals(null, HostNames.wildcardOf("localhost"));
    }

    @Test
    void namesAreNormalizedAndChecked() {
        assertEquals("example.com", HostNames.normalize("Example.COM."));
        assertEquals("*.example.com", HostNames.checkPattern("*.Example.com"));
        assertThrows(TlsConfigException.class, () -> HostNames.checkPattern("a.*.example.com"));
        assertThrows(TlsConfigException.class, () -> HostNames.checkPattern("127.0.0.1"));
        assertThrows(TlsConfigException.class, () -> HostNames.checkPattern("*."));
        assertThrows(TlsConfigException.class, () -> HostNames.checkPattern(""));
    }
}
