package io.switchboard.http;

import io.switchboard.internal.BodyCompressor;

/**
 * A {@link BodyDeflater} for a protocol that frames the pieces itself (HTTP/2: DATA frames), so that HTTP/2 answers
 * are compressed by the same code, with the same pool and memory budget, as HTTP/1.1 ones. Loop thread only; one per
 * answer being compressed.
 */
final class CodedBody implements BodyCompressor {
    private final BodyDeflater deflater;
    private final BodyDeflater.Sink sink = this::piece;
    private Output out;

    CodedBody(BodyDeflater deflater) {
        this.deflater = deflater;
    }

    @Override
    public String coding() {
        return deflater.coding().token();
    }

    @Override
    public void write(byte[] bytes, int off, int len, Output out) {
        this.out = out;
        deflater.write(bytes, off, len, sink);
    }

    @Override
    public void flush(Output out) {
        this.out = out;
        deflater.flush(sink);
    }

    @Override
    public void finish(Output out) {
        this.out = out;
        deflater.finish(sink);
        deflater.emitRest(sink);
    }

    @Override
    public void release() {
        deflater.release();
        out = null;
    }

    private void piece(byte[] bytes, int from, int to) {
        out.take(bytes, from, to);
    }
}
