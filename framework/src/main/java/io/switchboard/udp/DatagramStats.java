package io.switchboard.udp;

import java.util.List;

/**
 * What a datagram endpoint (or a server's endpoints together) received, sent and dropped, read at one moment.
 * Immutable.
 *
 * @param received      datagrams handed to the pipeline
 * @param receivedBytes their bytes
 * @param oversized     datagrams dropped on arrival because they were larger than
 *                      {@link DatagramConfig#maxDatagramSize()}
 * @param sent          datagrams the socket took
 * @param sentBytes     their bytes
 * @param dropped       datagrams written and never sent: the send queue was full
 *                      ({@link DatagramConfig#maxQueuedDatagrams()}, {@link DatagramConfig#maxQueuedBytes()}), the
 *                      memory budget was spent, too many writes from other threads were waiting, or the endpoint
 *                      closed with them queued
 * @param sendErrors    sends the system refused (no route, a message too long, a port unreachable reported by an
 *                      ICMP error on a connected endpoint); dropped and logged at debug
 * @param errors        errors that reached the end of the pipeline (a handler threw, a codec refused a datagram):
 *                      counted and logged at most once a minute, and the endpoint carries on
 * @param queued        datagrams waiting to leave now
 * @param queuedBytes   their bytes
 */
public record DatagramStats(long received, long receivedBytes, long oversized, long sent, long sentBytes, long dropped,
                            long sendErrors, long errors, long queued, long queuedBytes) {

    /**
     * {@return the field-by-field sum of {@code stats}}
     *
     * @param stats the stats of several endpoints
     */
    public static DatagramStats sum(List<DatagramStats> stats) {
        long[] t = new long[10];
        for (DatagramStats s : stats) {
            t[0] += s.received;
            t[1] += s.receivedBytes;
            t[2] += s.oversized;
            t[3] += s.sent;
            t[4] += s.sentBytes;
            t[5] += s.dropped;
            t[6] += s.sendErrors;
            t[7] += s.errors;
            t[8] += s.queued;
            t[9] += s.queuedBytes;
        }
        return new DatagramStats(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9]);
    }
}
