package io.switchboard.examples;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Flags of one example command: flags with a value, parsed from {@code --name value} or {@code --name=value}, and
 * switches, which take none ({@code --tls}). A flag given twice keeps its last value, except where the command reads
 * all of them ({@link #all}, for a repeatable flag such as {@code --trusted-proxy}).
 */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Map<String, List<String>> repeated = new HashMap<>();

    private Args() {
    }

    /**
     * Parses {@code args} against the flags the command knows, none of them a switch.
     *
     * @throws UsageException for an unknown flag, a missing value, or {@code --help}
     */
    static Args parse(List<String> args, Set<String> known) {
        return parse(args, known, Set.of());
    }

    /**
     * Parses {@code args} against the flags with a value and the switches the command knows.
     *
     * @throws UsageException for an unknown flag, a missing value, a switch given a value, or {@code --help}
     */
    static Args parse(List<String> args, Set<String> known, Set<String> switches) {
        Args parsed = new Args();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new UsageException(null);
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("flag --" + name + " takes no value");
                }
                parsed.values.put(name, "");
                continue;
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown flag: --" + name);
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("flag --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            parsed.values.put(name, value);
            parsed.repeated.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
        }
        return parsed;
    }

    /** {@return whether the flag or switch was given} */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** {@return every value given to a repeatable flag, in order; empty when it was not given} */
    List<String> all(String name) {
        return repeated.getOrDefault(name, List.of());
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got " + value);
        }
    }

    /** A command line the user got wrong; the message is null for an explicit --help. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
