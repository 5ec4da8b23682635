package io.switchboard.http;

/** The HTTP versions a request may carry. HTTP/1.2 to 1.9 are read as 1.1 (RFC 9110 §2.5); HTTP/2 comes
 * over an HTTP/2 connection. Immutable. */
public enum HttpVersion {
    /** One request per connection unless the client asks for keep-alive. */
    HTTP_1_0("HTTP/1.0"),
    /** Persistent connections and pipelining. */
    HTTP_1_1("HTTP/1.1"),
    /** HTTP/2 (RFC 9113): many concurrent streams on one connection, each a request. */
    HTTP_2("HTTP/2");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
