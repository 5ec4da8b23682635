package io.switchboard.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client on the JDK's HttpClient that parses the stream as a browser does (WHATWG HTML 9.2.6:
 * {@code data} lines joined with LF, {@code id} and {@code event} per event, comments ignored).
 */
final class JdkEventStream implements AutoCloseable {
    /** One dispatched event. */
    record Event(String id, String type, String data) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    final HttpResponse<InputStream> response;
    volatile boolean ended;

    private JdkEventStream(HttpClient client, URI uri, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        response = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()).get(20, TimeUnit.SECONDS);
        Thread reader = new Thread(this::read, "event-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code uri}, with {@code Last-Event-ID} when it is not null. */
    static JdkEventStream open(URI uri, String lastEventId) throws Exception {
        return open(client(), uri, lastEventId);
    }

    /** Opens {@code uri} with {@code client}, with {@code Last-Event-ID} when it is not null. */
    static JdkEventStream open(HttpClient client, URI uri, String lastEventId) throws Exception {
        return new JdkEventStream(client, uri, lastEventId);
    }

    /** An HTTP/1.1 client of the JDK, as the tests use it for the chat's web side. */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private void read() {
        String id = null;
        String type = null;
        StringBuilder data = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, type == null ? "message" : type, data.toString()));
                    }
                    type = null;
                    data = null;
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        case "id" -> id = value;
                        case "event" -> type = value;
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            // closed
        }
        ended = true;
    }

    /** {@return the data of the {@code message} events, in order} */
    List<String> messages() {
        return events.stream().filter(e -> e.type().equals("message")).map(Event::data).toList();
    }

    /** {@return the token of the stream's {@code member} event, or null before it arrived} */
    String member() {
        return events.stream().filter(e -> e.type().equals("member")).map(Event::data).findFirst().orElse(null);
    }

    boolean received(String text) {
        return messages().stream().anyMatch(m -> m.contains(text));
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
