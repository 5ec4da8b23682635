package io.switchboard.http2.hpack;

/**
 * Bytes allocated by the calling thread, from the JVM's own count ({@code com.sun.management.ThreadMXBean}). Read
 * reflectively: the module under test does not read {@code java.management}, the test run on the class path does.
 */
final class Allocation {
    private Allocation() {
    }

    static long thisThread() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Object bean = factory.getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes").invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("this JVM does not count allocations per thread", e);
        }
    }
}
