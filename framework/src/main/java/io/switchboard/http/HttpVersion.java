package io.switchboard.http;

/** The HTTP versions a request may carry. HTTP/1.2 to 1.9 are read as 1.1 (RFC 9110 §2.5). Immutable. */
public enum HttpVersion {
    /** One request per connection unless the client asks for keep-alive. */
    HTTP_1_0("HTTP/1.0"),
    /** Persistent connections and pipelining. */
    HTTP_1_1("HTTP/1.1");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
