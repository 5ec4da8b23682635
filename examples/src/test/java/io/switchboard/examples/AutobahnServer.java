package io.switchboard.examples;

import io.switchboard.http.HttpConfig;
import io.switchboard.loop.Offload;
import io.switchboard.server.Server;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * The http example for the Autobahn|Testsuite fuzzing client, which the autobahntestsuite Maven plugin runs in the
 * integration-test phase (see examples/pom.xml). The plugin calls {@code main(port)} on a thread of Maven's own JVM,
 * connects to {@code ws://<InetAddress.getLocalHost()>:port/} and interrupts that thread when the cases are done. So
 * this serves the example's routes with its {@code /ws/echo} handshake at {@code /} as well (the plugin's URL has no
 * path), on the address the plugin connects to (127.0.0.1 on a machine whose host name is in /etc/hosts as such).
 */
public final class AutobahnServer {
    private AutobahnServer() {
    }

    /**
     * Serves until interrupted.
     *
     * @param args the port
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String host = InetAddress.getLocalHost().getHostAddress();
        Offload offload = Offload.create("autobahn-offload");
        Server server = HttpExample.start(host, port, 2, HttpConfig.DEFAULTS,
                HttpExample.routeBuilder(offload).get("/", HttpExample.WS_ECHO).build(), null);
        System.out.println("autobahn: http example listening on " + host + ":" + server.localAddress().getPort());
        try {
            server.closeFuture().get();
        } catch (InterruptedException e) {
            // The plugin is done: stop the server, which runs inside Maven's JVM.
            server.close();
            offload.close(Duration.ofMillis(500));
        } catch (ExecutionException e) {
            throw new IllegalStateException("the server failed", e.getCause());
        }
    }
}
