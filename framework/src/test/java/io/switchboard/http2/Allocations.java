package io.switchboard.http2;

import java.lang.reflect.Method;

/**
 * Bytes allocated by the calling thread, from the JVM's own count ({@code com.sun.management.ThreadMXBean}), read
 * reflectively: the module under test does not read {@code java.management}, the test run on the class path does.
 * One reading allocates a little itself (a boxed long, the call's arguments): a few hundred bytes at most.
 */
final class Allocations {
    private static final Object BEAN;
    private static final Method ALLOCATED;

    static {
        try {
            BEAN = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Allocations() {
    }

    static long thisThread() {
        try {
            return (long) ALLOCATED.invoke(BEAN, Thread.currentThread().getId());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("this JVM does not count allocations per thread", e);
        }
    }
}
