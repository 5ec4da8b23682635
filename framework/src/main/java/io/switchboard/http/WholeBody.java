package io.switchboard.http;

import io.switchboard.loop.EventLoop;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.RejectedExecutionException;

/**
 * A whole body seen through {@link RequestBody}, so that code written for streamed bodies reads whole ones too:
 * one chunk, then the end. Thread-safe.
 */
final class WholeBody implements RequestBody {
    private final byte[] body;
    private final HttpHeaders trailers;
    private final EventLoop loop;
    private boolean taken;

    WholeBody(byte[] body, HttpHeaders trailers, EventLoop loop) {
        this.body = body;
        this.trailers = trailers;
        this.loop = loop;
    }

    @Override
    public synchronized byte[] read() {
        if (taken || body.length == 0) {
            taken = true;
            return null;
        }
        taken = true;
        return body;
    }

    @Override
    public synchronized boolean isEnded() {
        return taken || body.length == 0;
    }

    @Override
    public void demand(Runnable callback) {
        try {
            loop.execute(callback);
        } catch (RejectedExecutionException e) {
            // The loop stopped: the connection is closed, so nobody takes an answer.
        }
    }

    @Override
    public InputStream inputStream() {
        return new ByteArrayInputStream(body);
    }

    @Override
    public long declaredLength() {
        return body.length;
    }

    @Override
    public HttpHeaders trailers() {
        return trailers;
    }
}
