package io.switchboard.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Flags of one command: {@code --name value}, {@code --name=value}, a short alias such as {@code -c value}, or a
 * switch without a value such as {@code --tls}. Immutable once parsed.
 */
final class Args {
    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code args} against the flags the command knows.
     *
     * @param known   long flag names, without dashes
     * @param aliases short flags (with their dash, like {@code -c}) mapped to long names
     * @throws UsageException for an unknown flag, a missing value, a stray argument, or {@code --help}
     */
    static Args parse(List<String> args, Set<String> known, Map<String, String> aliases) {
        return parse(args, known, Set.of(), aliases);
    }

    /**
     * Parses {@code args} against the flags and switches the command knows.
     *
     * @param known    long flag names that take a value, without dashes
     * @param switches long flag names that take no value (present or not: {@link #has})
     * @param aliases  short flags (with their dash, like {@code -c}) mapped to long names
     * @throws UsageException for an unknown flag, a missing value, a value given to a switch, a stray argument, or
     *                        {@code --help}
     */
    static Args parse(List<String> args, Set<String> known, Set<String> switches, Map<String, String> aliases) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new UsageException(null);
            }
            String name;
            String value = null;
            if (arg.startsWith("--")) {
                name = arg.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
            } else if (aliases.containsKey(arg)) {
                name = aliases.get(arg);
            } else if (arg.startsWith("-")) {
                throw new UsageException("unknown flag: " + arg);
            } else {
                throw new UsageException("unexpected argument: " + arg);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                values.put(name, "");
                continue;
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown flag: " + arg);
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("flag " + arg + " needs a value");
                }
                value = args.get(++i);
            }
            values.put(name, value);
        }
        return new Args(values);
    }

    /** {@return whether the flag or switch was given} */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The flag's value, or {@code fallback} when it was not given. */
    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The flag as an integer in {@code [min, max]}, or {@code fallback}. */
    int integer(String name, int fallback, int min, int max) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got " + value);
        }
        if (n < min || n > max) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + value);
        }
        return n;
    }

    /** The flag as a number of seconds (fractions allowed) in {@code [min, max]} seconds, or {@code fallback}. */
    Duration seconds(String name, Duration fallback, double min, double max) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        double s;
        try {
            s = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number of seconds, got " + value);
        }
        if (!(s >= min && s <= max)) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + " seconds, got " + value);
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** A command line the user got wrong; the message is null for an explicit {@code --help}. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
