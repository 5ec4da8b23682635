package io.switchboard.examples;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Flags of one example command, parsed from {@code --name value} or {@code --name=value}. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    private Args() {
    }

    /**
     * Parses {@code args} against the flags the command knows.
     *
     * @throws UsageException for an unknown flag, a missing value, or {@code --help}
     */
    static Args parse(List<String> args, Set<String> known) {
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
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException("flag --" + name + " needs a value");
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown flag: --" + name);
            }
            parsed.values.put(name, value);
        }
        return parsed;
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
