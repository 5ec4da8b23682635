package io.switchboard.pipeline;

/**
 * Whether a handler's class overrides {@link Handler#write}, for {@link Handler#passesFileRegions()}: found by
 * reflection once per class and kept with the class (a {@link ClassValue}, which the class's loader can still
 * unload), so asking costs a lookup, not a reflective search. Thread-safe.
 */
final class WriteOverride {
    private static final ClassValue<Boolean> OVERRIDES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("write", HandlerContext.class, Object.class).getDeclaringClass() != Handler.class;
            } catch (NoSuchMethodException e) {
                return true; // cannot happen for a Handler; when in doubt, the bytes are shown to the handler
            }
        }
    };

    private WriteOverride() {
    }

    /** {@return true when {@code type} (a handler class) or one of its supertypes overrides {@link Handler#write}} */
    static boolean of(Class<?> type) {
        return OVERRIDES.get(type);
    }
}
