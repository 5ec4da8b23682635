package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.switchboard.bench.jmh.LengthFieldDecodeBenchmark;
import io.switchboard.bench.jmh.LineDecodeBenchmark;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The codec benchmarks' setup decodes the input once through every pipeline and fails unless each one yields
 * exactly the expected messages; this runs that setup for every parameter the benchmarks declare.
 */
class CodecBenchmarkSetupTest {
    private static Blackhole blackhole() {
        return new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"whole", "1460", "1"})
    void everyLineDecoderYieldsTheSameLines(String reads) {
        LineDecodeBenchmark benchmark = new LineDecodeBenchmark();
        benchmark.reads = reads;

        assertDoesNotThrow(() -> benchmark.setup(blackhole()));
        benchmark.tearDown();
    }

    @ParameterizedTest
    @ValueSource(strings = {"32:whole", "32:1460", "1024:whole", "1024:1460", "1024:3"})
    void bothLengthFieldDecodersYieldThePayloads(String params) {
        LengthFieldDecodeBenchmark benchmark = new LengthFieldDecodeBenchmark();
        benchmark.payload = Integer.parseInt(params.substring(0, params.indexOf(':')));
        benchmark.reads = params.substring(params.indexOf(':') + 1);

        assertDoesNotThrow(() -> benchmark.setup(blackhole()));
        benchmark.tearDown();
    }
}
