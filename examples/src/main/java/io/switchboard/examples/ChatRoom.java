package io.switchboard.examples;

import io.switchboard.http.HttpResponder;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.ServerSentEvent;
import io.switchboard.lifecycle.ConnectionGroup;
import io.switchboard.lifecycle.SlowReceivers;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Connection;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat room: the one place where the lines of every member, line clients, WebSockets and event streams alike,
 * are put in one order, which every member then sees.
 *
 * <p><b>Ordering.</b> Members live on different loops, so a room that broadcast from each sender's loop would let two
 * receivers see two lines in different orders: a receiver on the sender's loop is written at once, one on another
 * loop gets the line through its loop's task queue, behind lines queued there earlier. So the room has a thread of
 * its own. Joins, lines and leaves are queued to it from the members' loops (and from {@code POST /say}); it takes
 * them one at a time, numbers each line, and writes it to every member from that one thread. Writes to a connection
 * from one thread keep their order, so every member gets the lines in the order the room took them: the order the
 * server received them. The events of one member keep theirs, because its loop queues them in the order they came.
 *
 * <p><b>Backpressure.</b> Senders are paused, not lines dropped: while more than {@link #PAUSE_AT} bytes of events
 * wait for the room, a line client or WebSocket that says a line stops reading until they are below
 * {@link #RESUME_AT}; a {@code POST /say} is answered once its line has been sent, so a page or {@code curl} waits
 * for the room as a whole. Past {@link #MAX_WAITING} (only many senders at once can get there, each pausing after at
 * most one read) a line is refused: the line client is told, {@code POST /say} is answered 503. The room in turn
 * keeps pace with the loops that carry out its writes: it writes at most {@link #BATCHES_AHEAD} batches of
 * {@link #BATCH} lines ahead of the slowest loop (a receipt task per loop and batch says when the loop got there), so
 * the writes it has queued to the loops stay bounded however fast lines come. Loops run their tasks whatever their
 * peers do, so a slow peer never holds the room back; a loop that runs nothing for a second is not waited for.
 *
 * <p><b>Slow receivers</b> are dropped, never waited for, so one client that does not read cannot stall the room.
 * Line clients and WebSockets are in {@link ConnectionGroup}s with {@link SlowReceivers#CLOSE}: one more than its high
 * watermark (64 KiB) behind, judged on its own loop after a flush, is closed (a WebSocket gets close status 1001),
 * and the page reconnects. An event stream that is not writable when a line is due is ended: its browser reconnects
 * (after the 1 s retry the room asks for) with {@code Last-Event-ID}, and the room sends it the lines it missed from
 * the last {@link #HISTORY}. Closing rather than skipping means no client misses lines without being told.
 *
 * <p>Line clients do not get their own lines back (a terminal shows what was typed); web members do, so that a page
 * shows the room's one order, its own lines in their place.
 *
 * <p><b>Several instances</b> ({@code --redis}): every line the room sends its members (joins, leaves, what they
 * say) also goes to the {@linkplain #relay relay}, which publishes it to the other instances' rooms; their lines come
 * back through {@link #remote}, are queued like the room's own events and sent to every member here. Each instance
 * keeps its own order, and each sender's lines keep theirs everywhere (one thread publishes them, one connection
 * carries them to Redis and one from it). A remote line the room cannot take (over {@link #MAX_WAITING} behind) is
 * dropped, counted and warned about. Remote lines are numbered into this room's history like its own, so an event
 * stream that reconnects here gets them too. Thread-safe.
 */
final class ChatRoom implements AutoCloseable {
    /** Lines kept for event streams that reconnect with {@code Last-Event-ID}. */
    static final int HISTORY = 256;
    /** Bytes of events waiting for the room above which a sender stops reading. */
    static final long PAUSE_AT = 1024 * 1024;
    /** Bytes of events waiting below which paused senders read again. */
    static final long RESUME_AT = 256 * 1024;
    /** Bytes of events waiting past which a line is refused. */
    static final long MAX_WAITING = 16 * 1024 * 1024;
    /** The retry time event streams are asked to wait before they reconnect, in milliseconds. */
    static final long RETRY_MILLIS = 1000;
    /** Lines written between two receipts from the loops. */
    static final int BATCH = 16;
    /** Batches the room may write ahead of the slowest loop. */
    static final int BATCHES_AHEAD = 8;

    private static final Logger log = LoggerFactory.getLogger(ChatRoom.class);
    /** What an event costs besides its text: the event, its task, the line's string. */
    private static final int EVENT_OVERHEAD = 64;
    private static final long RECEIPT_WAIT_MILLIS = 1000;
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final HttpResponse SAID = HttpResponse.of(204);
    private static final HttpResponse BUSY = HttpResponse.of(503).header("Retry-After", "1")
            .header("Content-Type", "text/plain; charset=utf-8").body("the room is busy: try again\n");

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicLong waiting = new AtomicLong();
    private final Set<Connection> paused = ConcurrentHashMap.newKeySet();
    /** One permit per batch the room may still write ahead of the loops; a batch's receipts give it back. */
    private final Semaphore ahead = new Semaphore(BATCHES_AHEAD);
    private final Thread thread;
    private volatile boolean closed;
    /** Where the room's own lines go besides its members (the other instances), or null when alone. */
    private volatile Consumer<String> relay;
    private final AtomicLong remoteRefused = new AtomicLong();

    // The room thread's.
    private final ConnectionGroup lineClients = new ConnectionGroup(SlowReceivers.CLOSE);
    private final ConnectionGroup webSockets = new ConnectionGroup(SlowReceivers.CLOSE);
    private final Map<String, ChatMember> streams = new LinkedHashMap<>();
    private final ArrayDeque<Said> history = new ArrayDeque<>(HISTORY);
    /** The loops of every member so far (a few: the servers' worker loops). */
    private final Set<EventLoop> loops = new HashSet<>();
    private long lastId;

    /** Guarded by this. */
    private long lastWarning = System.nanoTime() - WARNING_INTERVAL_NANOS;

    /** Something for the room thread to do, and the bytes it holds until then. */
    private record Event(long weight, Runnable action) {
    }

    /** A line of the room's history. */
    private record Said(long id, String text) {
    }

    private ChatRoom() {
        thread = new Thread(this::run, "chat-room");
        thread.setDaemon(true);
    }

    /** {@return a room, its thread started} */
    static ChatRoom open() {
        ChatRoom room = new ChatRoom();
        room.thread.start();
        return room;
    }

    /**
     * {@code member} joins: the others are told, then it is welcomed (an event stream first gets its token and the
     * lines it missed). From the member's loop.
     */
    void join(ChatMember member) {
        offer(EVENT_OVERHEAD, () -> joined(member), false);
    }

    /**
     * {@code member} (a line client or a WebSocket) says {@code text}, one line. From the member's loop, which it
     * pauses while the room is behind.
     *
     * @return false when the room refused the line (more than {@link #MAX_WAITING} bytes waiting)
     */
    boolean say(ChatMember member, String text) {
        if (!offer(EVENT_OVERHEAD + 2L * text.length(), () -> said(member, text), true)) {
            warn("the room is over " + MAX_WAITING + " bytes behind; a line from " + member.name + " refused");
            return false;
        }
        if (waiting.get() > PAUSE_AT) {
            pause(member.connection);
        }
        return true;
    }

    /**
     * {@code POST /say}: each line of {@code text} is said by the event stream whose token is {@code token}, or, when
     * there is none, by {@code name}; the request is answered 204 once the lines are sent, 503 when refused. Any
     * thread.
     */
    void post(String token, String name, String text, HttpResponder responder) {
        if (!offer(EVENT_OVERHEAD + 2L * text.length(), () -> posted(token, name, text, responder), true)) {
            responder.send(BUSY);
        }
    }

    /**
     * Sends every line this room sends its members to {@code relay} too, from the room's thread, in order. Call it
     * before members join.
     */
    void relay(Consumer<String> relay) {
        this.relay = relay;
    }

    /**
     * A line from another instance's room, for every member here. From the thread that receives it, which must call
     * in the order of each sender.
     */
    void remote(String text) {
        if (!offer(EVENT_OVERHEAD + 2L * text.length(), () -> deliver(text, null, false), true)) {
            warn("the room is over " + MAX_WAITING + " bytes behind; a line from another instance dropped ("
                    + remoteRefused.incrementAndGet() + " so far)");
        }
    }

    /** {@code member} left (its connection or stream closed). From the member's loop. */
    void leave(ChatMember member) {
        offer(EVENT_OVERHEAD, () -> left(member), false);
    }

    /** Stops the room's thread; members are not told (the servers close their connections). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    // Any thread.

    private boolean offer(long weight, Runnable action, boolean refusable) {
        if (closed) {
            return false;
        }
        if (waiting.addAndGet(weight) > MAX_WAITING && refusable) {
            waiting.addAndGet(-weight);
            return false;
        }
        events.add(new Event(weight, action));
        return true;
    }

    /** On the sender's loop: stops reading from it until the room catches up. */
    private void pause(Connection sender) {
        paused.add(sender);
        sender.suspendRead();
        // The room may have caught up, and looked at the paused set, just before this sender joined it.
        if (waiting.get() < RESUME_AT && paused.remove(sender)) {
            sender.resumeRead();
        }
    }

    // The room thread.

    private void run() {
        while (!closed) {
            Event event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                return;
            }
            waiting.addAndGet(-event.weight());
            try {
                event.action().run();
            } catch (RuntimeException e) {
                warn("an event failed: " + e);
                log.debug("chat room event failed", e);
            }
            resumeSenders();
        }
    }

    private void joined(ChatMember member) {
        loops.add(member.loop);
        publish("* " + member.name + " joined", member, false);
        switch (member.transport) {
            case LINE -> lineClients.add(member.connection);
            case WEBSOCKET -> webSockets.add(member.connection);
            case EVENTS -> streams.put(member.token, member);
        }
        String welcome = "* welcome, " + member.name + " (" + online() + " online)";
        if (member.transport == ChatMember.Transport.EVENTS) {
            send(member, ServerSentEvent.builder().event("member").data(member.token).retry(RETRY_MILLIS).build());
            replay(member);
            send(member, ServerSentEvent.data(welcome));
        } else {
            member.connection.write(welcome);
        }
    }

    private void said(ChatMember member, String text) {
        publish(member.name + ": " + text, member, true);
    }

    private void posted(String token, String name, String text, HttpResponder responder) {
        ChatMember member = token == null ? null : streams.get(token);
        String who = member != null ? member.name : name;
        for (String line : text.split("\r\n|\r|\n")) {
            if (!line.isEmpty()) {
                publish(who + ": " + line, member, true);
            }
        }
        responder.send(SAID);
    }

    private void left(ChatMember member) {
        if (member.gone) {
            return;
        }
        member.gone = true;
        switch (member.transport) {
            case LINE -> lineClients.remove(member.connection);
            case WEBSOCKET -> webSockets.remove(member.connection);
            case EVENTS -> streams.remove(member.token);
        }
        if (member.connection != null) {
            paused.remove(member.connection);
        }
        publish("* " + member.name + " left", member, false);
    }

    /**
     * Numbers {@code text} and sends it to every member but {@code about}, and to {@code about} too when it is a web
     * member and {@code echo} (its own line). Line clients never get lines about themselves. Then relays it to the
     * other instances, if any.
     */
    private void publish(String text, ChatMember about, boolean echo) {
        deliver(text, about, echo);
        Consumer<String> to = relay;
        if (to != null) {
            to.accept(text);
        }
    }

    /** Numbers a line and sends it to this instance's members, as {@link #publish} describes. */
    private void deliver(String text, ChatMember about, boolean echo) {
        long id = ++lastId;
        if (history.size() == HISTORY) {
            history.removeFirst();
        }
        history.addLast(new Said(id, text));
        Connection subject = about == null ? null : about.connection;
        lineClients.broadcast(text, c -> c != subject);
        Connection notToSocket = echo ? null : subject;
        webSockets.broadcast(text, c -> c != notToSocket);
        if (!streams.isEmpty()) {
            ServerSentEvent event = event(id, text);
            for (ChatMember stream : streams.values()) {
                if (stream != about || echo) {
                    send(stream, event);
                }
            }
        }
        if (id % BATCH == 0) {
            receipts();
        }
    }

    /**
     * Ends a batch: waits while {@link #BATCHES_AHEAD} batches are not yet confirmed by every loop (at most a second),
     * then queues this batch's receipt to each loop, behind the writes just queued there.
     */
    private void receipts() {
        boolean counted;
        try {
            counted = ahead.tryAcquire(RECEIPT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
            return;
        }
        if (!counted) {
            warn("the loops are " + BATCHES_AHEAD * BATCH + " lines behind the room for a second; going on");
            return;
        }
        AtomicInteger missing = new AtomicInteger(loops.size() + 1);
        Runnable receipt = () -> {
            if (missing.decrementAndGet() == 0) {
                ahead.release();
            }
        };
        for (EventLoop loop : loops) {
            try {
                loop.execute(receipt);
            } catch (RejectedExecutionException e) {
                receipt.run(); // a stopped loop runs nothing more of ours
            }
        }
        receipt.run();
    }

    /** Sends an event stream the lines after the one it saw last, as far as the history goes back. */
    private void replay(ChatMember stream) {
        if (stream.lastSeen < 0 || history.isEmpty()) {
            return;
        }
        if (stream.lastSeen < history.peekFirst().id() - 1) {
            send(stream, ServerSentEvent.data("* some lines were missed while you were away"));
        }
        for (Said said : history) {
            if (said.id() > stream.lastSeen) {
                send(stream, event(said.id(), said.text()));
            }
        }
    }

    private void resumeSenders() {
        if (paused.isEmpty() || waiting.get() >= RESUME_AT) {
            return;
        }
        for (Connection sender : paused) {
            if (paused.remove(sender)) {
                sender.resumeRead();
            }
        }
    }

    private int online() {
        return lineClients.size() + webSockets.size() + streams.size();
    }

    /** Sends {@code event} to an event stream from its own loop, where a send never waits. */
    private static void send(ChatMember stream, ServerSentEvent event) {
        try {
            stream.loop.execute(() -> deliver(stream, event));
        } catch (RejectedExecutionException e) {
            // The loop stopped, and the stream with it: the server is shutting down.
        }
    }

    /** On the stream's loop: an event stream that is a watermark behind is ended rather than sent more. */
    private static void deliver(ChatMember stream, ServerSentEvent event) {
        if (!stream.events.isOpen()) {
            return;
        }
        if (!stream.events.isWritable()) {
            log.debug("chat: the event stream of {} is a watermark behind; ending it", stream.name);
            stream.events.close();
            return;
        }
        stream.events.send(event);
    }

    private static ServerSentEvent event(long id, String text) {
        return ServerSentEvent.builder().id(Long.toString(id)).data(text).build();
    }

    /** A warning at most once a minute: a room under a flood must not flood the log too. Room or loop threads. */
    private void warn(String message) {
        long now = System.nanoTime();
        synchronized (this) {
            if (now - lastWarning < WARNING_INTERVAL_NANOS) {
                log.debug("chat room: {}", message);
                return;
            }
            lastWarning = now;
        }
        log.warn("chat room: {}", message);
    }
}
