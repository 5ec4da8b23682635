package io.switchboard.http;

/** Whether an HTTP/1 connection ({@link HttpConnection}) reads more requests. */
enum ReadState {
    /** Reading requests. */
    READING,
    /**
     * As many requests in flight as allowed (reading resumes when answers leave), or a streamed request body
     * holds as many bytes as it may (reading resumes when the handler reads them).
     */
    PAUSED,
    /**
     * A request that offers an upgrade was read: what follows it may be in another protocol, so nothing
     * more is parsed until its answer says which (a 101 switches, anything else goes on with HTTP).
     */
    HELD,
    /** No more requests: after {@code Connection: close}, a refused request, or the peer's FIN. */
    DONE
}
