package io.switchboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the side-by-side echo run is done. Immutable.
 *
 * @param duration    measured time of each run
 * @param warmup      warm-up before each measured window
 * @param rounds      how many times every scenario and server is run
 * @param csv         where the results are written
 * @param examplesJar Switchboard's examples jar (its {@code echo} command is the Switchboard server)
 * @param benchJar    this jar (its {@code netty-echo} and {@code echo-load} commands)
 * @param serverCpu   the CPU both servers are pinned to
 * @param loadCpu     the CPU the load generator is pinned to
 * @param jvmArgs     JVM flags of every child, servers and load alike
 * @param jfrDir      when not null, each server records a JFR profile there (this costs CPU: profile runs only)
 * @param logDir      where the children's output goes
 * @param noiseLimit  largest {@link EchoRun#interference()} accepted; a noisier run is repeated
 * @param retries     how many times a noisy run is repeated before it is kept, marked noisy
 */
record CompareConfig(Duration duration, Duration warmup, int rounds, Path csv, Path examplesJar, Path benchJar,
                     int serverCpu, int loadCpu, List<String> jvmArgs, Path jfrDir, Path logDir,
                     double noiseLimit, int retries) {

    /** The JVM flags used when none are given: a fixed heap and one GC for both servers. */
    static final List<String> DEFAULT_JVM_ARGS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC");

    /** Copies the list. */
    CompareConfig {
        jvmArgs = List.copyOf(jvmArgs);
    }
}
