package io.switchboard.examples.kv;

import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.server.Server;
import io.switchboard.tls.TlsServerContext;

/** An in-memory key-value server that speaks RESP2, so redis-cli and redis-benchmark work with it. */
public final class KvServer {
    /** Largest bulk string (a key or a value): 8 MiB. */
    public static final int MAX_BULK = 8 * 1024 * 1024;
    /** Most arguments in one command. */
    public static final int MAX_ARGS = 1024 * 1024;
    /** Most bytes of all the arguments of one command together: 64 MiB. */
    public static final long MAX_COMMAND = 64L * 1024 * 1024;

    private KvServer() {
    }

    /**
     * Starts the server; every connection shares one store. The server's memory budget is the default, a quarter
     * of the heap, and INFO reports it. Over TLS when {@code tls} is not null ({@code redis-cli --tls}).
     */
    public static Server start(String host, int port, int workers, TlsServerContext tls) {
        MemoryBudget budget = MemoryBudget.defaults();
        KvHandler commands = new KvHandler(new KvStore(System::currentTimeMillis), budget);
        return Server.builder()
                .memoryBudget(budget)
                .host(host)
                .port(port)
                .workers(workers)
                .tls(tls)
                .pipeline(p -> p.add(new RespCodec(MAX_BULK, MAX_ARGS, MAX_COMMAND)).add(commands))
                .start();
    }
}
