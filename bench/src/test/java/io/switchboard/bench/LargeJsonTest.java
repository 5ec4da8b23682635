package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.examples.HttpExample;
import org.junit.jupiter.api.Test;

/** http-gzip-64k compresses the same 64 KiB on both servers. */
class LargeJsonTest {

    @Test
    void bothServersAnswerTheSameBytes() {
        byte[] netty = NettyHttpServer.largeJson(NettyHttpServer.LARGE_JSON_BYTES);
        assertEquals(65_536, netty.length);
        assertArrayEquals(HttpExample.largeJson(65_536), netty);
    }
}
