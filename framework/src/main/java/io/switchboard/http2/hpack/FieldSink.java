package io.switchboard.http2.hpack;

/**
 * Receives the fields of a header block as {@link HpackDecoder} decodes them, in order, so the connection can
 * check each one (pseudo-fields first and known, no connection-specific field, no uppercase name) without an
 * intermediate list.
 *
 * <p>A sink must not throw: the decoder has to read the block to its end to keep its dynamic table in step
 * with the peer's, so a field the connection refuses is noted (the stream will be reset) and the fields after
 * it are still taken, or ignored. If a sink throws anyway, the exception leaves {@code decode} with the table
 * possibly behind the peer's, and the connection must then be closed.
 */
@FunctionalInterface
public interface FieldSink {
    /**
     * One field line.
     *
     * @param name  the name, as sent (HTTP/2 requires lowercase; the decoder does not check it), each char
     *              one octet
     * @param value the value, as sent, each char one octet (ISO-8859-1)
     */
    void field(String name, String value);
}
