package io.switchboard.examples;

import io.switchboard.codec.LineCodec;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.server.Server;

/** A line server: answers every line with the line in upper case. */
public final class ShoutServer {
    public static void main(String[] args) {
        Server server = Server.builder()
                .port(7001)
                .pipeline(p -> p.add(new LineCodec(1024)).add(new Handler() {
                    @Override
                    public void read(HandlerContext ctx, Object line) {
                        ctx.write(line.toString().toUpperCase());
                    }
                }))
                .start();
        System.out.println("listening on " + server.localAddress());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.closeFuture().join();
    }
}
