package io.switchboard.tls;

import io.switchboard.internal.BufferPool;
import io.switchboard.internal.jfr.TlsHandshakeEvent;
import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS stage: the first handler of a pipeline (nearest the socket), running one JDK {@link SSLEngine} in server
 * or client mode. Every handler after it reads and writes plaintext, unchanged.
 *
 * <pre>
 *   socket ─ciphertext─▶ [TlsHandler: records ▶ unwrap ▶ loop's plaintext buffer] ─plaintext─▶ codec ▶ …
 *   socket ◀─ciphertext─ [TlsHandler: held plaintext ▶ wrap on flush ▶ loop's packet buffer] ◀─plaintext─ …
 * </pre>
 *
 * <p><b>Inbound.</b> Ciphertext arrives borrowed; whole records are decrypted where they lie, several into the
 * loop's plaintext buffer (one per loop, {@link BufferPool#inboundScratch}), which then goes on as one borrowed
 * read. Only the start of a record cut by the read is kept, in a heap buffer that grows with the bytes that arrived
 * (at most twice as many, at least 256 bytes, never more than the record's own length, at most 18,437 bytes) and is
 * dropped as soon as the record is whole; a read that holds only whole records allocates nothing and touches no
 * atomic counter.
 *
 * <p><b>Bounds on what a peer sends.</b> The start of a record kept between reads counts against the connection's
 * {@link MemoryBudget}: a peer that sends a header announcing the largest record and then nothing holds 256 bytes,
 * and when the budget cannot take what a read adds, the connection is reset (as a connection over its watermark is
 * when the budget is spent) and counted in the budget's {@code shedCount()}. A header announcing a record longer
 * than the largest legal one (18,432 bytes of ciphertext) closes the connection at once, before any of it is kept.
 * Once the handshake completed, the peer may send at most 32 records in a row that carry no application data
 * (KeyUpdates, warning alerts, session tickets, and on TLS 1.2 empty records; the JDK refuses those on TLS 1.3), and
 * earns one more per 16 KiB of application data; past that the connection fails with an
 * {@link SSLProtocolException}. The JDK's engine accepts any number of them, and a KeyUpdate that asks for an answer
 * costs it a key derivation each way, 40 to 70 times a one-byte record; OpenSSL and BoringSSL bound them alike (32
 * empty records, 32 KeyUpdates). What the stage cannot bound: the engine handles every KeyUpdate packed into one
 * record (RFC 8446 allows one per record), some 3,000 in 15 KB; the stage closes once the engine has asked for 64
 * answers in a row, so such a record costs its sender the connection.
 *
 * <p><b>Outbound.</b> Written plaintext is copied into chunks of the loop's pool and held until the next flush
 * (the connection's own, at the end of the read batch or of the loop's turn, or an explicit one), which encrypts
 * it into records of up to 16 KiB: the answers to sixteen pipelined requests leave as one record. Once a record's
 * worth (16 KiB) is held it is encrypted at once, and a large write is encrypted from the writer's buffer without
 * a copy, so the stage holds at most 16 KiB of plaintext per connection and the connection's watermarks, which
 * count the encrypted bytes queued for the socket, bound a peer that does not read as they do without TLS. Records
 * are encrypted into the loop's packet buffer ({@link BufferPool#outboundScratch}) and copied into the
 * connection's queue: nothing packet-sized is allocated per write, and an idle connection holds no buffer.
 *
 * <p><b>Handshake.</b> A client starts it on {@code connected}; a server waits for the ClientHello. The engine's
 * delegated tasks (certificate checks, key exchange) run inline on the loop: a full TLS 1.3 handshake costs the
 * server's loop a median 1.2 ms with a P-256 certificate and 1.7 ms with RSA 2048 on JDK 17 (docs/tls.md), too
 * little for handing the tasks to another thread and back to pay. Writes made before the handshake completes are held
 * and sent, encrypted, after it. The connection counts them as queued bytes
 * ({@link io.switchboard.pipeline.Connection#holdOutbound}), so they are bounded as without TLS: above its high
 * watermark {@code isWritable()} turns false (the connection goes on reading, as the handshake needs the peer's
 * bytes), past {@link ConnectionConfig#maxQueued()} it is reset, and past {@link MemoryBudget#UNCOUNTED} they count
 * against the memory budget. When it completes, {@link TlsHandshakeCompleted} (protocol, cipher suite, ALPN
 * protocol, SNI name) goes to the handlers after this one, before any decrypted byte. A handshake not complete within
 * the context's {@code handshakeTimeout} (default 10 s, on the loop's clock) closes the connection, dropping what was
 * held, and is counted ({@code counters().handshakeTimeouts()} on the context); one that fails is closed with the engine's alert
 * and counted ({@code handshakeFailures()}).
 *
 * <p><b>Renegotiation.</b> On TLS 1.2, a handshake the peer starts after the first one completed (a client's new
 * ClientHello, or a server's HelloRequest) is refused: the connection is closed, without processing the new hello
 * and without close_notify, and the refusal counted ({@code renegotiationsRefused()}). The JDK's engine cannot be
 * asked for the fatal alert a refusal deserves, and a close_notify would tell the peer that the connection ended
 * normally (openssl s_client then exits 0, and testssl.sh 3.0 rates the server "VULNERABLE, DoS threat"); a close
 * without it is an error to the peer. TLS 1.3 has no renegotiation; its post-handshake messages (NewSessionTicket,
 * KeyUpdate) are answered as usual.
 *
 * <p><b>Close.</b> {@code close} encrypts what is held, sends close_notify and closes the connection once its
 * queue is written (bounded by {@link ConnectionConfig#closeTimeout()}). It does not wait for the peer's
 * close_notify: nothing that arrives after ours could still be used, and waiting would let a peer hold the
 * connection open. {@code shutdownOutput} sends close_notify, then the FIN, and goes on reading (a TLS 1.3
 * half-close; a TLS 1.2 peer is bound to answer with its own close_notify and stop). The peer's close_notify
 * reaches the handlers after this one as {@code inputClosed}; on TLS 1.2 the engine answers it at once. A FIN
 * without close_notify after the handshake is a possible truncation: the handlers get {@link TlsTruncated} and then
 * {@code inputClosed}. Plaintext written before the handshake completed is dropped by a close. However the
 * connection ends, the stage gives back what it held (the start of a record, held plaintext and their counts) and
 * cancels its handshake timer.
 *
 * <p><b>Errors.</b> An engine failure (a bad record, a failed certificate check) sends the alert the engine
 * produced, goes to the handlers after this one as the engine's {@link SSLException} (an {@code IOException}: the
 * end of the pipeline logs it at debug and closes), and closes the connection.
 *
 * <p>Loop thread only; one per connection, made by {@link #server} or {@link #client}.
 */
public final class TlsHandler implements Handler {
    private static final Logger log = LoggerFactory.getLogger(TlsHandler.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /**
     * The most handshake steps (tasks, wraps) or wraps without progress in a row for one event: an engine that keeps
     * asking without progress fails the connection instead of spinning the loop (jetty#4217).
     */
    private static final int MAX_STEPS = 64;

    /** Where the connection stands. */
    private enum Phase {
        /** The handshake has not completed: writes are held. */
        HANDSHAKING,
        /** Application data flows. */
        ESTABLISHED,
        /** The engine failed or the stage refused the peer: nothing more is read or written. */
        FAILED
    }

    private final BiFunction<String, Integer, SSLEngine> engines;
    private final boolean clientMode;
    private final String clientHost;
    private final int clientPort;
    private final Duration handshakeTimeout;
    private final TlsCounters counters;
    private final HeldPlaintext held = new HeldPlaintext();
    /** What the peer may still send without application data, once the handshake completed. */
    private final RecordsWithoutData withoutData = new RecordsWithoutData();

    private HandlerContext ctx;
    private BufferPool pool;
    private PartialRecord partial;
    private SSLEngine engine;
    private int packetSize;
    private int plaintextSize;
    private Phase phase = Phase.HANDSHAKING;
    /** The handshake completed in the current event; the completion is announced when the engine is idle again. */
    private boolean justEstablished;
    private boolean tls12;
    /** The plaintext gathered into one record for the negotiated protocol. */
    private int recordFill = TlsRecords.RECORD_FILL_TLS13;
    /** The peer's close_notify or FIN arrived: the handlers after this one saw {@code inputClosed}. */
    private boolean inputDone;
    /** Our close_notify was sent (or the engine's outbound closed): nothing more is written. */
    private boolean outputDone;
    /** A half-close asked for during the handshake, done when it completes. */
    private boolean shutdownAfterHandshake;
    private boolean closed;
    /** The loop's plaintext buffer while a read is being decrypted into it. */
    private ByteBuffer plain;
    private Scheduled handshakeTimer;
    /** The handshake's recording event, begun at {@code connected} while a JFR recording runs; else null. */
    private TlsHandshakeEvent handshakeEvent;
    /**
     * Held plaintext the connection counts as queued ({@link io.switchboard.pipeline.Connection#holdOutbound}): what
     * was written before the handshake completed and is not encrypted yet.
     */
    private long counted;

    private TlsHandler(BiFunction<String, Integer, SSLEngine> engines, boolean clientMode, String clientHost,
                       int clientPort, Duration handshakeTimeout, TlsCounters counters) {
        this.engines = engines;
        this.clientMode = clientMode;
        this.clientHost = clientHost;
        this.clientPort = clientPort;
        this.handshakeTimeout = handshakeTimeout;
        this.counters = counters;
    }

    /**
     * A server-side stage; its engine is made from {@code context}'s current certificates when the handler joins its
     * pipeline, so a reload applies to connections accepted after it.
     *
     * @param context the server's TLS context
     * @return a new handler, for one connection
     */
    public static TlsHandler server(TlsServerContext context) {
        return new TlsHandler(context::newEngine, false, null, -1, context.config().handshakeTimeout(),
                context.counters());
    }

    /**
     * A client-side stage for a connection to {@code host:port}: the host name is sent in SNI and, unless the
     * context's configuration turned it off, checked against the server's certificate.
     *
     * @param context the client's TLS context
     * @param host    the host name or address connected to, as the user wrote it
     * @param port    the port connected to
     * @return a new handler, for one connection
     */
    public static TlsHandler client(TlsClientContext context, String host, int port) {
        return new TlsHandler(context::newEngine, true, host, port, context.config().handshakeTimeout(),
                context.counters());
    }

    /** {@return the connection's engine, for its session once the handshake completed; null before the handler joins a pipeline} */
    public SSLEngine engine() {
        return engine;
    }

    /** {@return true once the handshake completed (and until the connection fails)} */
    public boolean isHandshakeComplete() {
        return phase == Phase.ESTABLISHED;
    }

    /** {@return the most plaintext the stage gathers into one record for the negotiated protocol} For tests. */
    int recordFill() {
        return recordFill;
    }

    /** {@return plaintext written and held, not yet encrypted} For tests. */
    long heldBytes() {
        return held.size();
    }

    /** {@return the memory held for a record that has not fully arrived} For tests. */
    int partialRecordBytes() {
        return partial == null ? 0 : partial.capacity();
    }

    /** {@return true while the handshake timer is scheduled and neither ran nor was cancelled} For tests. */
    boolean handshakeTimerPending() {
        return handshakeTimer != null && !handshakeTimer.isCancelled();
    }

    // Events.

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
        this.pool = BufferPool.of(ctx.loop());
        this.partial = new PartialRecord(ctx.connection().budget());
        if (clientMode) {
            engine = engines.apply(clientHost, clientPort);
        } else {
            SocketAddress remote = ctx.connection().remoteAddress();
            InetSocketAddress peer = remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null;
            engine = engines.apply(peer == null ? null : peer.getHostString(), peer == null ? -1 : peer.getPort());
        }
        SSLSession session = engine.getSession();
        packetSize = Math.max(session.getPacketBufferSize(), TlsRecords.MAX_RECORD);
        plaintextSize = Math.max(session.getApplicationBufferSize(), TlsRecords.MAX_CIPHERTEXT);
    }

    @Override
    public void connected(HandlerContext ctx) {
        handshakeTimer = ctx.loop().schedule(this::handshakeTimedOut, handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        handshakeEvent = HandshakeRecording.begin();
        ctx.fireConnected();
        if (closed || outputDone || !clientMode) {
            return;
        }
        try {
            engine.beginHandshake();
            handshakeSteps(engine.getHandshakeStatus());
            ctx.flush();
        } catch (SSLException e) {
            fail(e);
        }
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuffer)) {
            ctx.fireRead(message);
            return;
        }
        ByteBuffer in = (ByteBuffer) message;
        if (phase == Phase.FAILED || inputDone || closed) {
            in.position(in.limit());
            return;
        }
        plain = pool.inboundScratch(plaintextSize);
        try {
            if (!partial.isEmpty()) {
                if (!partial.add(in)) {
                    shed();
                } else if (partial.isWhole()) {
                    ByteBuffer record = partial.take();
                    unwrapRecords(record);
                    if (record.hasRemaining() && !stopped() && !inputDone) {
                        throw new SSLProtocolException("the TLS engine did not take a whole record of " + record.limit() + " bytes");
                    }
                }
            }
            if (partial.isEmpty() && !stopped() && !inputDone) {
                unwrapRecords(in);
                if (in.hasRemaining() && !stopped() && !inputDone && !partial.add(in)) {
                    shed();
                }
            }
            if (plain.position() > 0 && !stopped()) {
                deliver();
            }
        } catch (SSLException e) {
            fail(e);
        } finally {
            plain = null;
        }
        in.position(in.limit());
        if (inputDone && !closed && phase != Phase.FAILED) {
            closeNotifyReceived();
        }
    }

    @Override
    public void inputClosed(HandlerContext ctx) {
        if (inputDone) {
            return; // the peer's close_notify came first and was passed on as inputClosed already
        }
        inputDone = true;
        partial.clear();
        if (phase == Phase.ESTABLISHED) {
            log.debug("{}: the peer ended the connection without close_notify (truncation)", ctx.connection());
            ctx.fireUserEvent(TlsTruncated.INSTANCE);
        }
        ctx.fireInputClosed();
    }

    @Override
    public void closed(HandlerContext ctx) {
        closed = true;
        if (phase == Phase.HANDSHAKING) {
            HandshakeRecording.ended(handshakeEvent, ctx, clientMode, "closed", "");
        }
        handshakeEvent = null;
        cancelHandshakeTimer();
        held.clear(pool);
        counted = 0; // a closed connection counts nothing
        partial.clear();
        if (engine != null) {
            engine.closeOutbound(); // frees the engine's keys; nothing more is written
        }
        ctx.fireClosed();
    }

    @Override
    public void removed(HandlerContext ctx) {
        cancelHandshakeTimer();
        dropHeld();
        partial.clear();
    }

    // Operations.

    @Override
    public void write(HandlerContext ctx, Object message) {
        ByteBuffer src;
        if (message instanceof ByteBuffer) {
            src = (ByteBuffer) message;
        } else if (message instanceof byte[]) {
            src = ByteBuffer.wrap((byte[]) message);
        } else {
            throw new IllegalArgumentException("cannot encrypt " + (message == null ? "null" : message.getClass().getName())
                    + ": TLS takes bytes; add an encoder for it after the TLS stage");
        }
        if (!src.hasRemaining()) {
            return;
        }
        if (outputDone || phase == Phase.FAILED || closed) {
            log.debug("{}: write of {} bytes after the TLS output closed dropped", ctx.connection(), src.remaining());
            src.position(src.limit());
            return;
        }
        if (phase == Phase.HANDSHAKING) {
            holdUntilHandshake(src);
            return;
        }
        try {
            encrypt(src);
        } catch (SSLException e) {
            fail(e);
        }
    }

    @Override
    public void flush(HandlerContext ctx) {
        if (phase == Phase.ESTABLISHED && !outputDone && !closed) {
            try {
                wrapHeld();
            } catch (SSLException e) {
                fail(e);
                return;
            }
        }
        ctx.flush();
    }

    @Override
    public void shutdownOutput(HandlerContext ctx) {
        if (phase == Phase.HANDSHAKING && !outputDone && !closed) {
            shutdownAfterHandshake = true; // the writes held for the handshake go first
            return;
        }
        endOutput();
        ctx.shutdownOutput();
    }

    @Override
    public void close(HandlerContext ctx) {
        endOutput();
        if (phase == Phase.HANDSHAKING && held.size() > 0) {
            log.debug("{}: closed before the TLS handshake completed; {} bytes written meanwhile are dropped",
                    ctx.connection(), held.size());
            dropHeld(); // after endOutput: writes made when the connection turns writable again are dropped
        }
        ctx.close();
    }

    // Inbound.

    /** Decrypts the whole records at {@code src}'s position into {@link #plain}; a partial record is left there. */
    private void unwrapRecords(ByteBuffer src) throws SSLException {
        while (!stopped() && !inputDone) {
            int length = TlsRecords.length(src);
            if (length < 0 || length > src.remaining()) {
                return;
            }
            SSLEngineResult result = engine.unwrap(src, plain);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    if (plain.position() == 0) {
                        throw new SSLProtocolException("a record decrypts to more than " + plain.capacity() + " bytes");
                    }
                    deliver();
                    continue;
                }
                case BUFFER_UNDERFLOW -> throw new SSLProtocolException(
                        "the TLS engine wants more than the whole record of " + length + " bytes");
                case CLOSED -> {
                    inputDone = true; // close_notify: the rest of the input means nothing
                    return;
                }
                default -> {
                }
            }
            HandshakeStatus status = result.getHandshakeStatus();
            if (phase == Phase.ESTABLISHED) {
                if (tls12 && status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED) {
                    refuseRenegotiation();
                    return;
                }
                if (!withoutData.count(result.bytesProduced())) {
                    refuseFlood();
                    return;
                }
            }
            handshakeSteps(status);
        }
    }

    /** Closes on a peer that floods records without application data, without the answer the engine may have ready. */
    private void refuseFlood() {
        counters.recordFloodsRefused.increment();
        fail(new SSLProtocolException("the peer sent more than " + RecordsWithoutData.MAX + " records without"
                + " application data (KeyUpdates, empty records, alerts) in a row"), false);
    }

    /** Passes the decrypted bytes on as one borrowed read, and empties the loop's plaintext buffer for more. */
    private void deliver() {
        ByteBuffer bytes = plain.flip();
        ctx.fireRead(bytes);
        if (plain != null) {
            plain.clear();
        }
    }

    private void closeNotifyReceived() {
        partial.clear();
        if (!outputDone && engine.isOutboundDone()) {
            outputDone = true;
        }
        if (!outputDone && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            try { // TLS 1.2 answers close_notify with its own at once
                handshakeSteps(HandshakeStatus.NEED_WRAP);
                ctx.flush();
            } catch (SSLException e) {
                log.debug("{}: answering close_notify: {}", ctx.connection(), e.toString());
            }
            outputDone = engine.isOutboundDone();
        }
        ctx.fireInputClosed();
    }

    // Outbound.

    /** Encrypts {@code src} a record at a time, holding what is left below a record's worth. */
    private void encrypt(ByteBuffer src) throws SSLException {
        int idle = 0;
        while (src.hasRemaining() && !stopped()) {
            if (held.size() == 0 && src.remaining() >= recordFill) {
                SSLEngineResult result = wrapOut(src);
                idle = result.bytesConsumed() == 0 ? idle + 1 : 0;
                afterDataWrap(result, idle);
                continue;
            }
            int n = (int) Math.min(src.remaining(), recordFill - held.size());
            held.add(src, n, pool);
            if (held.size() >= recordFill) {
                SSLEngineResult result = wrapHeldRecord();
                idle = result.bytesConsumed() == 0 ? idle + 1 : 0;
                afterDataWrap(result, idle);
            }
        }
    }

    /** Encrypts everything held. */
    private void wrapHeld() throws SSLException {
        int idle = 0;
        while (held.size() > 0 && !stopped()) {
            SSLEngineResult result = wrapHeldRecord();
            idle = result.bytesConsumed() == 0 ? idle + 1 : 0;
            afterDataWrap(result, idle);
        }
    }

    private SSLEngineResult wrapHeldRecord() throws SSLException {
        ByteBuffer packet = pool.outboundScratch(packetSize);
        SSLEngineResult result = held.wrap(engine, packet, pool);
        send(packet, result);
        if (counted > 0) {
            // Written before the handshake completed: no longer held, now queued encrypted. Given back after the
            // record is queued, as the writability event this may fire lets handlers write (and use the packet
            // buffer) again; so the two counts overlap by one record at most.
            uncount(result.bytesConsumed());
        }
        return result;
    }

    private void afterDataWrap(SSLEngineResult result, int idle) throws SSLException {
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            outputDone = true;
            dropHeld();
            return;
        }
        if (idle > MAX_STEPS) {
            throw new SSLException("the TLS engine took no plaintext in " + idle + " wraps in a row");
        }
        HandshakeStatus status = result.getHandshakeStatus();
        if (status != HandshakeStatus.NOT_HANDSHAKING) {
            handshakeSteps(status); // TLS 1.3 KeyUpdate, or a handshake this side started again
        }
    }

    /** Wraps from {@code src} (EMPTY for handshake messages and alerts) into the loop's packet buffer and writes the result on. */
    private SSLEngineResult wrapOut(ByteBuffer src) throws SSLException {
        ByteBuffer packet = pool.outboundScratch(packetSize);
        SSLEngineResult result = engine.wrap(src, packet);
        send(packet, result);
        return result;
    }

    private void send(ByteBuffer packet, SSLEngineResult result) throws SSLException {
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("the TLS engine needs more than " + packet.capacity() + " bytes for a record");
        }
        if (packet.flip().hasRemaining()) {
            ctx.write(packet); // the connection copies it into its queue; the buffer is the loop's again at once
        }
    }

    /**
     * Before the handshake completes: held whole, and counted by the connection as queued bytes, so that its
     * watermarks, its {@code maxQueued} and the memory budget bound them as they bound bytes waiting for the socket.
     */
    private void holdUntilHandshake(ByteBuffer src) {
        int n = src.remaining();
        held.add(src, n, pool);
        counted += n;
        ctx.connection().holdOutbound(n); // past maxQueued, or the budget spent past the watermark: reset (closed())
    }

    /** Gives back to the connection's count the held bytes that were encrypted into its queue or dropped. */
    private void uncount(long bytes) {
        long back = Math.min(counted, bytes);
        if (back > 0) {
            counted -= back;
            ctx.connection().holdOutbound(-back);
        }
    }

    /** Drops the held plaintext and its count. */
    private void dropHeld() {
        held.clear(pool);
        uncount(counted);
    }

    /**
     * The memory budget cannot take the start of a record cut by this read: the connection is reset, as the
     * connection sheds its outbound queue at the budget, and counted in the budget's {@code shedCount()}.
     */
    private void shed() {
        MemoryBudget budget = ctx.connection().budget();
        if (budget.countShed()) {
            log.warn("{}: memory budget spent ({}); resetting connections that cannot keep the start of a TLS record"
                    + " cut by a read (logged at most once a minute)", ctx.connection(), budget);
        } else {
            log.debug("{}: memory budget spent; resetting, {} bytes of a TLS record kept", ctx.connection(), partial.capacity());
        }
        partial.clear();
        ctx.connection().abort();
    }

    /** Encrypts what is held and sends close_notify, once. */
    private void endOutput() {
        if (outputDone || closed || phase == Phase.FAILED) {
            return;
        }
        try {
            if (phase == Phase.ESTABLISHED) {
                wrapHeld();
            }
            engine.closeOutbound();
            for (int i = 0; i < MAX_STEPS && !engine.isOutboundDone(); i++) {
                if (wrapOut(EMPTY).bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException e) {
            log.debug("{}: sending close_notify: {}", ctx.connection(), e.toString());
        }
        outputDone = true;
    }

    // Handshake.

    /** Runs what the engine asks for that needs no input from the peer: delegated tasks and wraps. */
    private void handshakeSteps(HandshakeStatus status) throws SSLException {
        for (int step = 0; step < MAX_STEPS; step++) {
            switch (status) {
                case FINISHED -> {
                    established();
                    status = engine.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run(); // inline: see the class comment and docs/tls.md for the cost
                    }
                    status = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    if (engine.isOutboundDone()) {
                        outputDone = true;
                        return;
                    }
                    status = wrapOut(EMPTY).getHandshakeStatus();
                }
                default -> {
                    if (justEstablished) {
                        justEstablished = false;
                        handshakeCompleted();
                    }
                    return;
                }
            }
            if (stopped()) {
                return;
            }
        }
        throw new SSLException("the TLS engine asked for " + MAX_STEPS + " handshake steps in a row");
    }

    private void established() {
        if (phase != Phase.HANDSHAKING) {
            return; // a handshake this side started again, on TLS 1.2
        }
        phase = Phase.ESTABLISHED;
        justEstablished = true;
        cancelHandshakeTimer();
    }

    /** Sends what was written during the handshake and tells the handlers after this one. */
    private void handshakeCompleted() throws SSLException {
        SSLSession session = engine.getSession();
        tls12 = !"TLSv1.3".equals(session.getProtocol());
        recordFill = tls12 ? TlsRecords.RECORD_FILL_TLS12 : TlsRecords.RECORD_FILL_TLS13;
        String alpn = engine.getApplicationProtocol();
        TlsHandshakeCompleted event = new TlsHandshakeCompleted(session.getProtocol(), session.getCipherSuite(),
                alpn == null || alpn.isEmpty() ? null : alpn, serverName(session));
        log.debug("{}: TLS handshake completed: {}", ctx.connection(), event);
        counters.handshakes.increment();
        HandshakeRecording.completed(handshakeEvent, ctx, clientMode, event);
        handshakeEvent = null;
        wrapHeld();
        if (stopped()) {
            return;
        }
        ctx.fireUserEvent(event);
        if (shutdownAfterHandshake && !closed) {
            shutdownAfterHandshake = false;
            shutdownOutput(ctx);
        }
    }

    private String serverName(SSLSession session) {
        List<SNIServerName> names = session instanceof ExtendedSSLSession
                ? ((ExtendedSSLSession) session).getRequestedServerNames() : List.of();
        if (names.isEmpty() && clientMode) {
            names = engine.getSSLParameters().getServerNames();
        }
        for (SNIServerName name : names == null ? List.<SNIServerName>of() : names) {
            if (name instanceof SNIHostName) {
                return ((SNIHostName) name).getAsciiName();
            }
        }
        return null;
    }

    private void refuseRenegotiation() throws SSLException {
        counters.renegotiationsRefused.increment();
        fail(new SSLHandshakeException("renegotiation refused: the peer started a new handshake on an established"
                + " TLS 1.2 connection"));
    }

    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (phase != Phase.HANDSHAKING || closed) {
            return;
        }
        counters.handshakeTimeouts.increment();
        HandshakeRecording.ended(handshakeEvent, ctx, clientMode, "timed out", "");
        handshakeEvent = null;
        log.debug("{}: TLS handshake not complete after {}; closing", ctx.connection(), handshakeTimeout);
        close(ctx);
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    // Failure.

    private boolean stopped() {
        return closed || phase == Phase.FAILED;
    }

    /** Sends the alert the engine has ready, if any, tells the handlers after this one, and closes. */
    private void fail(SSLException cause) {
        fail(cause, true);
    }

    /**
     * As {@link #fail(SSLException)}; without {@code engineAlert}, for a refusal of the stage's own, nothing more the
     * engine has ready (the answer to a KeyUpdate, say) is sent.
     */
    private void fail(SSLException cause, boolean engineAlert) {
        if (phase == Phase.FAILED || closed) {
            return;
        }
        if (phase == Phase.HANDSHAKING) {
            counters.handshakeFailures.increment();
            HandshakeRecording.ended(handshakeEvent, ctx, clientMode, "failed", cause.getMessage());
            handshakeEvent = null;
        }
        log.debug("{}: TLS {} failed: {}", ctx.connection(), phase == Phase.HANDSHAKING ? "handshake" : "connection",
                cause.toString());
        phase = Phase.FAILED;
        cancelHandshakeTimer();
        dropHeld();
        partial.clear();
        for (int i = 0; engineAlert && i < 4 && !engine.isOutboundDone() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
            try {
                if (wrapOut(EMPTY).bytesProduced() == 0) {
                    break;
                }
            } catch (SSLException e) {
                break;
            }
        }
        outputDone = true;
        ctx.flush();
        ctx.fireExceptionCaught(cause);
        ctx.close();
    }
}
