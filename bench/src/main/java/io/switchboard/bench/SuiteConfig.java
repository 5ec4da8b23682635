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
 * @param tlsWarmup     the load's own warm-up before each measured window of a TLS scenario that keeps its
 *                      connections, after {@code handshakeWarmup} of full handshakes
 * @param handshakeWarmup full TLS handshakes before every TLS scenario's window (tls-handshake's own warm-up; see
 *                      {@link #DEFAULT_HANDSHAKE_WARMUP})
 * @param broadcastRounds measured rounds of ws-broadcast-10k, one a second (its connections: {@code idleConnections})
 */
record SuiteConfig(List<SuiteScenario> scenarios, Duration duration, Duration warmup, Path out, Path examplesJar,
                   Path benchJar, Path wrkScript, int serverCpu, int loadCpu, List<String> jvmArgs,
                   List<String> idleJvmArgs, int idleConnections, Path logDir,
                   double noiseLimit, int retries, int echoRounds, int idleRounds,
                   TestCertificate.KeyType certificateType, Duration tlsWarmup, Duration handshakeWarmup,
                   int broadcastRounds) {

    /** Measured rounds of ws-broadcast-10k by default: a minute, one message a second. */
    static final int DEFAULT_BROADCAST_ROUNDS = 60;

    /** The warm-up of a TLS scenario's own load by default, after the handshakes. */
    static final Duration DEFAULT_TLS_WARMUP = Duration.ofSeconds(15);

    /**
     * Full handshakes before every TLS scenario by default: the JDK's handshake code (elliptic-curve arithmetic, key
     * derivation) takes the JIT about 50 s of handshakes to compile. Measured on the suite's machine, Switchboard's
     * server in 10 s windows of handshakes from its start: 2,746, 450, 179, 76, 24, 11, 2, 3 compilations, and its
     * compiler threads' CPU 53, 47, 21, 20, 3.8, 0.1 and then 0.0 % of the server's; the server's CPU per handshake
     * 6.2, 3.6, 2.0, 2.0, 1.6, then 1.5 – 1.6 ms. The scenarios that keep their connections make few handshakes of
     * their own (64 per wrk run), which would otherwise compile that code in the window: 355 compilations and 2.1 s
     * of compiler CPU, a fifth of the server's, in one https-pipe16 window after 30 s of its own load.
     */
    static final Duration DEFAULT_HANDSHAKE_WARMUP = Duration.ofSeconds(60);

    /** The warm-up of {@code scenario}'s own load before its window (after the handshakes, for the TLS ones). */
    Duration warmup(SuiteScenario scenario) {
        return scenario.kind() == SuiteScenario.Kind.HANDSHAKE ? handshakeWarmup : scenario.tls() ? tlsWarmup : warmup;
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
