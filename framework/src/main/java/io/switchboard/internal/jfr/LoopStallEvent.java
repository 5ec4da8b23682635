package io.switchboard.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * An event loop held by one turn of work (a task, a read, a timer) longer than its stall limit. Committed by the
 * loop thread when it comes back; the span is the turn when the recording ran at its start.
 */
@Name("io.switchboard.LoopStall")
@Label("Loop Stall")
@Category("Switchboard")
@Description("An event loop was held by a task, read or timer longer than its stall limit")
@StackTrace(false)
@Registered(false)
public final class LoopStallEvent extends jdk.jfr.Event {
    /** The loop's thread name. */
    @Label("Loop")
    public String loop;

    /** How long the loop was held. */
    @Label("Held")
    @Timespan(Timespan.NANOSECONDS)
    public long held;

    /** The loop's stall limit. */
    @Label("Limit")
    @Timespan(Timespan.NANOSECONDS)
    public long limit;

    /** What held it: {@code read}, {@code timer}, {@code task} or {@code batch end}, or {@code unknown}. */
    @Label("Phase")
    public String phase;

    /**
     * The frame that held it, taken from the loop thread's stack while it was held (the first frame outside the
     * JDK), or empty when the stall ended before its stack could be taken.
     */
    @Label("What Ran")
    public String task;

    /** An event to fill in and commit. */
    public LoopStallEvent() {
        // fields are set by the emitting code
    }
}
