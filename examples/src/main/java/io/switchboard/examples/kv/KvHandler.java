package io.switchboard.examples.kv;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The commands (PING, ECHO, GET, SET with NX, XX, GET, EX, PX, EXAT, PXAT and KEEPTTL, DEL, EXISTS, INCR,
 * MGET, MSET, EXPIRE, TTL, DBSIZE, FLUSHALL, INFO, QUIT): each decoded command (a {@code List<byte[]>}) gets
 * exactly one reply, in order, so pipelined commands are answered in the order they came. Stateless apart from the shared store, so one
 * instance serves every connection. Loop thread only.
 *
 * <p>{@code INFO} answers, as Redis does, with {@code name:value} lines: {@code connected_clients}, the heap in
 * use ({@code used_memory}, garbage not yet collected included) and its maximum ({@code maxmemory}), and the
 * server's memory budget for bytes held for peers ({@code budget_used}, {@code budget_limit}) with the number
 * of connections reset at it ({@code budget_shed}).
 */
public final class KvHandler implements Handler {
    private static final Resp.Error SYNTAX_ERROR = new Resp.Error("ERR syntax error");
    private static final Resp.Error NOT_AN_INTEGER = new Resp.Error("ERR value is not an integer or out of range");
    private static final Resp.Simple PONG = new Resp.Simple("PONG");

    private final KvStore store;
    private final MemoryBudget budget;
    private final AtomicInteger clients = new AtomicInteger();

    /** Commands over {@code store}; INFO reports no budget. */
    public KvHandler(KvStore store) {
        this(store, null);
    }

    /** Commands over {@code store}, for a server whose memory budget is {@code budget}. */
    public KvHandler(KvStore store, MemoryBudget budget) {
        this.store = store;
        this.budget = budget;
    }

    @Override
    public void connected(HandlerContext ctx) {
        clients.incrementAndGet();
        ctx.fireConnected();
    }

    @Override
    public void closed(HandlerContext ctx) {
        clients.decrementAndGet();
        ctx.fireClosed();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void read(HandlerContext ctx, Object message) {
        List<byte[]> command = (List<byte[]>) message;
        if (command.isEmpty()) {
            return;
        }
        Command name = Command.find(command.get(0));
        ctx.write(name == null ? unknownCommand(command) : execute(name, command));
        if (name == Command.QUIT) {
            ctx.close();
        }
    }

    /** Malformed RESP gets an error reply and a close, as Redis does; anything else is not ours to handle. */
    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolException) {
            ctx.write(new Resp.Error("ERR Protocol error: " + cause.getMessage()));
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    Object execute(Command name, List<byte[]> args) {
        int n = args.size();
        switch (name) {
            case PING:
                return n == 1 ? PONG : n == 2 ? args.get(1) : arity(name);
            case ECHO:
                return n == 2 ? args.get(1) : arity(name);
            case GET:
                return n == 2 ? orNull(store.get(key(args, 1))) : arity(name);
            case SET:
                return set(args);
            case DEL:
            case EXISTS:
                if (n < 2) {
                    return arity(name);
                }
                long count = 0;
                for (int i = 1; i < n; i++) {
                    count += (name == Command.DEL ? store.delete(key(args, i)) : store.exists(key(args, i))) ? 1 : 0;
                }
                return count;
            case INCR:
                if (n != 2) {
                    return arity(name);
                }
                try {
                    return store.increment(key(args, 1));
                } catch (NumberFormatException e) {
                    return NOT_AN_INTEGER;
                } catch (ArithmeticException e) {
                    return new Resp.Error("ERR increment or decrement would overflow");
                }
            case MGET:
                if (n < 2) {
                    return arity(name);
                }
                List<Object> values = new ArrayList<>(n - 1);
                for (int i = 1; i < n; i++) {
                    values.add(orNull(store.get(key(args, i))));
                }
                return values;
            case MSET:
                if (n < 3 || n % 2 == 0) {
                    return arity(name);
                }
                for (int i = 1; i < n; i += 2) {
                    store.set(key(args, i), args.get(i + 1), 0);
                }
                return Resp.OK;
            case EXPIRE:
                if (n != 3) {
                    return arity(name);
                }
                Long seconds = integer(args.get(2));
                if (seconds == null) {
                    return NOT_AN_INTEGER;
                }
                if (seconds > Long.MAX_VALUE / 1000 || seconds < Long.MIN_VALUE / 1000
                        || seconds > 0 && seconds * 1000 > Long.MAX_VALUE - store.now()) {
                    return invalidExpireTime("expire");
                }
                if (seconds <= 0) {
                    return store.delete(key(args, 1)) ? 1L : 0L;
                }
                return store.expire(key(args, 1), seconds * 1000) ? 1L : 0L;
            case TTL:
                return n == 2 ? store.ttlSeconds(key(args, 1)) : arity(name);
            case DBSIZE:
                return n == 1 ? store.size() : arity(name);
            case FLUSHALL:
                store.clear();
                return Resp.OK;
            case QUIT:
                return Resp.OK;
            case INFO:
                return info();
            case COMMAND:
                // redis-cli asks for command docs at start; an empty list means "none", which it accepts.
                return List.of();
            case CONFIG:
                // redis-benchmark reads a few settings at start: answer CONFIG GET p with p and an empty value.
                return n == 3 && text(args.get(1)).equalsIgnoreCase("get") ? List.of(args.get(2), new byte[0]) : List.of();
            default:
                throw new AssertionError(name);
        }
    }

    private String info() {
        Runtime runtime = Runtime.getRuntime();
        String info = "# Clients\r\n"
                + "connected_clients:" + clients.get() + "\r\n"
                + "# Memory\r\n"
                + "used_memory:" + (runtime.totalMemory() - runtime.freeMemory()) + "\r\n"
                + "maxmemory:" + runtime.maxMemory() + "\r\n";
        if (budget != null) {
            info += "budget_used:" + budget.used() + "\r\n"
                    + "budget_limit:" + budget.limit() + "\r\n"
                    + "budget_shed:" + budget.shedCount() + "\r\n";
        }
        return info;
    }

    /**
     * {@code SET key value [NX | XX] [GET] [EX s | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]}, parsed and
     * checked in the order redis-server 7 uses, with its replies: a syntax error for conflicting or unknown
     * options, "not an integer" for a bad number, "invalid expire time" for a time that is not positive or
     * would overflow, a null bulk when NX or XX stops the set (or the old value with GET).
     */
    private Object set(List<byte[]> args) {
        int n = args.size();
        if (n < 3) {
            return arity(Command.SET);
        }
        if (n == 3) {
            store.set(key(args, 1), args.get(2), 0); // a plain SET: no options to read, nothing to look up first
            return Resp.OK;
        }
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        String expireOption = null;
        byte[] expireValue = null;
        for (int j = 3; j < n; j++) {
            String option = text(args.get(j)).toLowerCase(Locale.ROOT);
            switch (option) {
                case "nx" -> {
                    if (xx) {
                        return SYNTAX_ERROR;
                    }
                    nx = true;
                }
                case "xx" -> {
                    if (nx) {
                        return SYNTAX_ERROR;
                    }
                    xx = true;
                }
                case "get" -> get = true;
                case "keepttl" -> {
                    if (expireOption != null) {
                        return SYNTAX_ERROR;
                    }
                    keepTtl = true;
                }
                case "ex", "px", "exat", "pxat" -> {
                    if (keepTtl || expireOption != null || j + 1 >= n) {
                        return SYNTAX_ERROR;
                    }
                    expireOption = option;
                    expireValue = args.get(++j);
                }
                default -> {
                    return SYNTAX_ERROR;
                }
            }
        }
        long expiresAt = 0;
        if (expireOption != null) {
            Long amount = integer(expireValue);
            if (amount == null) {
                return NOT_AN_INTEGER;
            }
            boolean seconds = expireOption.equals("ex") || expireOption.equals("exat");
            boolean relative = expireOption.equals("ex") || expireOption.equals("px");
            Long at = expiryMillis(amount, seconds, relative);
            if (at == null) {
                return invalidExpireTime("set");
            }
            expiresAt = at;
        }
        KvStore.Condition condition = nx ? KvStore.Condition.IF_ABSENT
                : xx ? KvStore.Condition.IF_PRESENT : KvStore.Condition.ALWAYS;
        KvStore.SetOutcome outcome = store.set(key(args, 1), args.get(2), condition, expiresAt, keepTtl);
        if (get) {
            return orNull(outcome.previous());
        }
        return outcome.applied() ? Resp.OK : Resp.NULL;
    }

    /**
     * The moment a positive expire time {@code amount} ends, in the store's milliseconds, or null when it is
     * not positive or the sum overflows (redis-server answers "invalid expire time" then, rather than setting a
     * key that expires in the past).
     */
    private Long expiryMillis(long amount, boolean seconds, boolean relative) {
        if (amount <= 0 || seconds && amount > Long.MAX_VALUE / 1000) {
            return null;
        }
        long millis = seconds ? amount * 1000 : amount;
        if (relative) {
            long now = store.now();
            if (millis > Long.MAX_VALUE - now) {
                return null;
            }
            millis += now;
        }
        return millis;
    }

    /** redis-server's words: the name as sent, then each argument quoted, up to about 128 characters. */
    private static Resp.Error unknownCommand(List<byte[]> args) {
        StringBuilder shown = new StringBuilder();
        for (int i = 1; i < args.size() && shown.length() < 128; i++) {
            String arg = text(args.get(i));
            shown.append('\'').append(arg, 0, Math.min(arg.length(), 128 - shown.length())).append("' ");
        }
        String name = text(args.get(0));
        return new Resp.Error("ERR unknown command '" + name.substring(0, Math.min(name.length(), 128))
                + "', with args beginning with: " + shown);
    }

    private static Resp.Error invalidExpireTime(String command) {
        return new Resp.Error("ERR invalid expire time in '" + command + "' command");
    }

    private static Object orNull(byte[] value) {
        return value == null ? Resp.NULL : value;
    }

    private static Resp.Error arity(Command name) {
        return new Resp.Error("ERR wrong number of arguments for '" + name.lowerName() + "' command");
    }

    private static String key(List<byte[]> args, int i) {
        return new String(args.get(i), StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Long integer(byte[] bytes) {
        try {
            return Long.parseLong(text(bytes));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
