package io.switchboard.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The {@code --log-level} flag every command takes, so that logging is set without a logback.xml of one's own:
 * {@code --log-level DEBUG} sets the root level, {@code --log-level io.switchboard.http=DEBUG} one logger's (the
 * flag may be repeated). The system property {@code -Dswitchboard.log.level=LEVEL}, read by the bundled
 * logback.xml, sets the root level too, from the start (this flag takes effect once the command line is read).
 */
final class LogLevel {
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private LogLevel() {
    }

    /**
     * Applies and removes every {@code --log-level} of {@code args}.
     *
     * @return the other arguments, in order
     * @throws Args.UsageException for a missing or unknown level
     */
    static List<String> apply(List<String> args) {
        List<String> rest = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value;
            if (arg.equals("--log-level")) {
                if (i + 1 >= args.size()) {
                    throw new Args.UsageException("flag --log-level needs a value");
                }
                value = args.get(++i);
            } else if (arg.startsWith("--log-level=")) {
                value = arg.substring("--log-level=".length());
            } else {
                rest.add(arg);
                continue;
            }
            set(value);
        }
        return rest;
    }

    private static void set(String value) {
        int eq = value.lastIndexOf('=');
        String name = eq < 0 ? org.slf4j.Logger.ROOT_LOGGER_NAME : value.substring(0, eq);
        String level = (eq < 0 ? value : value.substring(eq + 1)).toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level) || name.isEmpty()) {
            throw new Args.UsageException("--log-level takes LEVEL or LOGGER=LEVEL, LEVEL one of "
                    + "TRACE, DEBUG, INFO, WARN, ERROR, OFF; got " + value);
        }
        ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.toLevel(level));
    }
}
