package io.switchboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the side-by-side suite ({@code compare}) runs. Immutable.
 *
 * @param scenarios     the scenarios to run, in order
 * @param duration      measured time of each run
 * @param warmup        load before each measured window
 * @param out           the CSV file written
 * @param examplesJar   Switchboard's examples jar
 * @param benchJar      this jar (Netty and floor servers, echo-load, idle-clients)
 * @param wrkScript     bench/wrk/bench.lua
 * @param serverCpu     the CPU every server is pinned to
 * @param loadCpu       the CPU every load generator is pinned to
 * @param jvmArgs       JVM flags of every Java server and Java load generator
 * @param idleJvmArgs   JVM flags of the servers in the idle scenarios ({@link #PRE_TOUCH} is added for idle-10k)
 * @param idleConnections connections held open in idle-10k
 * @param logDir        where the children's output goes
 * @param noiseLimit    largest share of a core other processes may use in a window before the run is repeated
 * @param retries       how many times a noisy run is repeated before it is kept, marked noisy
 * @param echoRounds    rounds of the echo scenarios, whose Switchboard/Netty margin is the thinnest; the server
 *                      order alternates between rounds and the report takes each server's median
 * @param idleRounds    rounds of the idle scenarios, whose resident-set growth spreads widely from run to run
 *                      (the JIT compilers' scratch memory); the report takes each server's median
 * @param certificateType the key of the test certificate the TLS scenarios' servers share (one made per run)
 * @param tlsWarmup     load before each measured window of a TLS scenario, instead of {@code warmup}: the JDK's
 *                      TLS code keeps the JIT busy far longer (see {@link #DEFAULT_TLS_WARMUP})
 */
record SuiteConfig(List<SuiteScenario> scenarios, Duration duration, Duration warmup, Path out, Path examplesJar,
                   Path benchJar, Path wrkScript, int serverCpu, int loadCpu, List<String> jvmArgs,
                   List<String> idleJvmArgs, int idleConnections, Path logDir,
                   double noiseLimit, int retries, int echoRounds, int idleRounds,
                   TestCertificate.KeyType certificateType, Duration tlsWarmup) {

    /**
     * The TLS scenarios' warm-up by default. Measured on the suite's machine with full handshakes in 5 s windows
     * after start: the JIT compiled 1,357, 444, 256, 184, 275, 172, 7 and 50 methods in Switchboard's server and
     * 2,564, 616, 531, 190, 253, 143, 46 and 106 in Netty's, so a 5 s warm-up left hundreds of compilations, and
     * their compiler threads' CPU, in the measured window (810 and 1,790 in one run).
     */
    static final Duration DEFAULT_TLS_WARMUP = Duration.ofSeconds(30);

    /** The warm-up before a window of {@code scenario}. */
    Duration warmup(SuiteScenario scenario) {
        return scenario.tls() ? tlsWarmup : warmup;
    }

    /**
     * JVM flags of the idle scenarios' servers: a 1 GiB heap, the same collector as the others, and native
     * memory tracking, whose "Other" category is the memory allocated through {@code Unsafe.allocateMemory}:
     * direct buffers, the JDK's and Netty's alike (its cost: a constant of about 1 MiB and a small header on
     * the JVM's own allocations, the same for every server).
     */
    static final List<String> IDLE_JVM_ARGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseSerialGC",
            "-XX:NativeMemoryTracking=summary");

    /**
     * Added for idle-10k: every heap page touched at start, so that the growth of the resident set shows memory
     * outside the heap only. idle-10k-nopretouch runs without it: there, heap pages count once first touched.
     */
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    /** Copies the lists. */
    SuiteConfig {
        scenarios = List.copyOf(scenarios);
        jvmArgs = List.copyOf(jvmArgs);
        idleJvmArgs = List.copyOf(idleJvmArgs);
    }
}
