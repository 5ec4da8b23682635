package io.switchboard.internal.jfr;

import java.util.List;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the framework's JDK Flight Recorder events only while a recording runs, and tells the code that emits them
 * whether to, without making an event object when not.
 *
 * <p>The events are {@link jdk.jfr.Registered @Registered(false)}: JFR knows nothing of them until a recording starts.
 * A {@link FlightRecorderListener} (added once, when the first loop starts; adding it does not start JFR) registers
 * them when some recording is running and unregisters them when the last one stops, as the JDK's own optional events
 * are handled. While none runs, each check at an emitting site is one read of a static field that holds null; while one
 * runs, it is {@link EventType#isEnabled()} of the event's type, so a recording that disables an event (in its
 * settings) pays for none of it either. The JFR state is the JVM's, one for the process, hence static fields here: the
 * one place the framework keeps process-wide state, mirroring the recorder's.
 *
 * <p>A JVM without Flight Recorder (started with {@code -XX:-FlightRecorder}, say) never calls the listener: every check
 * answers false. Thread-safe.
 */
public final class FlightEvents {
    private static final Logger log = LoggerFactory.getLogger(FlightEvents.class);
    private static final List<Class<? extends Event>> EVENTS = List.of(ConnectionOpenedEvent.class,
            ConnectionClosedEvent.class, HttpRequestEvent.class, LoopStallEvent.class, TlsHandshakeEvent.class,
            WebSocketSessionEvent.class);

    private static volatile EventType connectionOpened;
    private static volatile EventType connectionClosed;
    private static volatile EventType httpRequest;
    private static volatile EventType loopStall;
    private static volatile EventType tlsHandshake;
    private static volatile EventType webSocketSession;
    /** Guarded by the class: whether the events are registered now. */
    private static boolean registered;

    static {
        try {
            FlightRecorder.addListener(new Listener());
        } catch (RuntimeException | LinkageError e) {
            log.debug("no JFR events: the flight recorder cannot be watched ({})", e.toString());
        }
    }

    private FlightEvents() {
    }

    /** Makes sure the recorder is watched (the class's initialisation does it); called when a loop starts. */
    public static void watchRecorder() {
        // the static initialiser did the work
    }

    /** {@return true while {@link ConnectionOpenedEvent} is recorded} */
    public static boolean connectionOpened() {
        return enabled(connectionOpened);
    }

    /** {@return true while {@link ConnectionClosedEvent} is recorded} */
    public static boolean connectionClosed() {
        return enabled(connectionClosed);
    }

    /** {@return true while {@link HttpRequestEvent} is recorded} */
    public static boolean httpRequest() {
        return enabled(httpRequest);
    }

    /** {@return true while {@link LoopStallEvent} is recorded} */
    public static boolean loopStall() {
        return enabled(loopStall);
    }

    /** {@return true while {@link TlsHandshakeEvent} is recorded} */
    public static boolean tlsHandshake() {
        return enabled(tlsHandshake);
    }

    /** {@return true while {@link WebSocketSessionEvent} is recorded} */
    public static boolean webSocketSession() {
        return enabled(webSocketSession);
    }

    /**
     * {@return {@code value}'s text, or the empty string for null} Event string fields are never left null.
     *
     * @param value an address, a name, or null
     */
    public static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static boolean enabled(EventType type) {
        return type != null && type.isEnabled();
    }

    /** Registers the events when a recording runs and none were, unregisters them when none runs any more. */
    private static synchronized void update(FlightRecorder recorder) {
        boolean running = false;
        for (Recording r : recorder.getRecordings()) {
            if (r.getState() == RecordingState.RUNNING) {
                running = true;
                break;
            }
        }
        if (running == registered) {
            return;
        }
        if (running) {
            try {
                for (Class<? extends Event> event : EVENTS) {
                    FlightRecorder.register(event);
                }
            } catch (RuntimeException e) {
                log.warn("cannot register Switchboard's JFR events; recordings will not show them", e);
                return;
            }
            connectionOpened = EventType.getEventType(ConnectionOpenedEvent.class);
            connectionClosed = EventType.getEventType(ConnectionClosedEvent.class);
            httpRequest = EventType.getEventType(HttpRequestEvent.class);
            loopStall = EventType.getEventType(LoopStallEvent.class);
            tlsHandshake = EventType.getEventType(TlsHandshakeEvent.class);
            webSocketSession = EventType.getEventType(WebSocketSessionEvent.class);
            log.debug("a JFR recording runs: Switchboard events registered");
        } else {
            connectionOpened = null;
            connectionClosed = null;
            httpRequest = null;
            loopStall = null;
            tlsHandshake = null;
            webSocketSession = null;
            for (Class<? extends Event> event : EVENTS) {
                FlightRecorder.unregister(event);
            }
            log.debug("no JFR recording runs: Switchboard events unregistered");
        }
        registered = running;
    }

    /** Told by JFR when it starts and when a recording changes state (outside the recorder's lock). */
    private static final class Listener implements FlightRecorderListener {
        @Override
        public void recorderInitialized(FlightRecorder recorder) {
            update(recorder);
        }

        @Override
        public void recordingStateChanged(Recording recording) {
            update(FlightRecorder.getFlightRecorder());
        }
    }
}
