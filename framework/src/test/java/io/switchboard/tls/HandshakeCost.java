package io.switchboard.tls;

import java.util.Arrays;

/**
 * Measures what a full TLS 1.3 handshake costs the server's loop with the delegated tasks run inline: the time
 * the server's TLS stage spends on one handshake (on one thread, so on an otherwise idle core this is its CPU time) (ClientHello to the client's Finished, the session ticket
 * included), for an RSA 2048 and a P-256 certificate, with the JDK provider. Not a test: a program, so that
 * docs/tls.md can say how its numbers were taken. Run from the framework module after {@code mvn test-compile}:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.switchboard.tls.HandshakeCost
 * </pre>
 *
 * (with {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt} for the classpath). Each handshake uses a
 * new port, so none is a resumption.
 */
final class HandshakeCost {
    private HandshakeCost() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        measure("RSA 2048", "rsa.pem", "rsa-pkcs8.key", rounds);
        measure("P-256", "ec.pem", "ec-pkcs8.key", rounds);
        measure("RSA 2048", "rsa.pem", "rsa-pkcs8.key", rounds);
        measure("P-256", "ec.pem", "ec-pkcs8.key", rounds);
    }

    private static void measure(String name, String pem, String key, int rounds) {
        TlsServerContext server = TlsServerContext.create(TlsServerConfig.builder().identity(Fixtures.identity(pem, key))
                .protocols("TLSv1.3").build());
        TlsClientContext client = TlsPair.trustingClient("TLSv1.3");
        long[] serverNanos = new long[rounds];
        long[] clientNanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long[] spent = new long[2];
            TlsPair.Cut timed = (bytes, to) -> {
                long start = System.nanoTime();
                to.feed(bytes);
                long took = System.nanoTime() - start;
                spent[to.connection().pipeline().get(TlsHandler.class).engine().getUseClientMode() ? 1 : 0] += took;
            };
            long start = System.nanoTime();
            TlsPair pair = new TlsPair(client, 10_000 + i, server, p -> { }, p -> { });
            spent[1] += System.nanoTime() - start; // the client's hello, written on connected
            pair.pump(timed);
            if (!pair.serverTls.isHandshakeComplete()) {
                throw new AssertionError("handshake " + i + " did not complete");
            }
            serverNanos[i] = spent[0];
            clientNanos[i] = spent[1];
        }
        System.out.printf("%-8s server loop per handshake: median %.2f ms, p90 %.2f ms, p99 %.2f ms; client: median %.2f ms%n",
                name, pct(serverNanos, 50), pct(serverNanos, 90), pct(serverNanos, 99), pct(clientNanos, 50));
    }

    private static double pct(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }
}
