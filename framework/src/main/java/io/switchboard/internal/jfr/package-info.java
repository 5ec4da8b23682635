/**
 * The framework's JDK Flight Recorder events (category "Switchboard") and {@link io.switchboard.internal.jfr.FlightEvents},
 * which registers them only while a recording runs. Not exported, except to {@code jdk.jfr}.
 */
package io.switchboard.internal.jfr;
