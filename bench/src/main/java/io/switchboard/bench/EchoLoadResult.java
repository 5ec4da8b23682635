package io.switchboard.bench;

/**
 * What one load run measured over its measured window (warm-up excluded). Errors count the whole run.
 * Immutable.
 *
 * @param messages   messages echoed and verified in the window
 * @param bytes      payload bytes echoed in the window (one direction)
 * @param seconds    length of the window
 * @param errors     differing bytes, unexpected bytes and lost connections over the whole run
 * @param firstError the first error's description, or null
 */
record EchoLoadResult(long messages, long bytes, double seconds, long errors, String firstError) {

    /** Messages per second. */
    double messagesPerSecond() {
        return seconds > 0 ? messages / seconds : 0;
    }

    /** Echoed payload MiB per second (one direction). */
    double mibPerSecond() {
        return seconds > 0 ? bytes / seconds / (1024.0 * 1024.0) : 0;
    }

    /** 0 for a clean run; 1 when any byte differed, a connection was lost, or nothing was echoed. */
    int exitCode() {
        return errors == 0 && messages > 0 ? 0 : 1;
    }

    /** The machine-readable line the side-by-side runner parses. */
    String resultLine() {
        return String.format(java.util.Locale.ROOT, "result: messages=%d bytes=%d seconds=%.6f errors=%d",
                messages, bytes, seconds, errors);
    }

    /** Parses a {@link #resultLine()}; returns null when {@code line} is not one. */
    static EchoLoadResult parse(String line) {
        if (!line.startsWith("result: ")) {
            return null;
        }
        long messages = -1;
        long bytes = -1;
        double seconds = -1;
        long errors = -1;
        for (String field : line.substring("result: ".length()).trim().split("\\s+")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                return null;
            }
            String value = field.substring(eq + 1);
            try {
                switch (field.substring(0, eq)) {
                    case "messages" -> messages = Long.parseLong(value);
                    case "bytes" -> bytes = Long.parseLong(value);
                    case "seconds" -> seconds = Double.parseDouble(value);
                    case "errors" -> errors = Long.parseLong(value);
                    default -> {
                        return null;
                    }
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (messages < 0 || bytes < 0 || seconds < 0 || errors < 0) {
            return null;
        }
        return new EchoLoadResult(messages, bytes, seconds, errors, null);
    }
}
