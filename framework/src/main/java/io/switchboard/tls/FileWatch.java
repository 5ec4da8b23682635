package io.switchboard.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a set of files and runs a reload once they changed and then stayed the same for one interval; made by
 * {@link TlsServerContext#watch(Duration)}. One daemon thread named {@code switchboard-tls-watch}. Thread-safe;
 * {@link #close()} stops it.
 */
public final class FileWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileWatch.class);

    private final List<Path> files;
    private final Runnable reload;
    private final ScheduledExecutorService timer;
    /** Stamps of the files as last loaded; touched on the timer thread only. */
    private List<Stamp> loaded;
    /** Stamps seen changed on the previous tick, waiting to be seen once more unchanged; timer thread only. */
    private List<Stamp> pending;
    private volatile long failures;

    /**
     * What identifies one version of a file.
     *
     * @param modified the modification time, or null when the file is missing
     * @param size     the size in bytes
     * @param key      the file system's identity of the file (device and inode), or null where there is none
     */
    private record Stamp(Object modified, long size, Object key) {
    }

    FileWatch(List<Path> files, Duration interval, Runnable reload) {
        this.files = List.copyOf(files);
        this.reload = reload;
        this.loaded = stamps();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-tls-watch");
            t.setDaemon(true);
            return t;
        });
        long nanos = interval.toNanos();
        timer.scheduleWithFixedDelay(this::check, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** {@return the files watched} */
    public List<Path> files() {
        return files;
    }

    /** {@return how many reloads this watch started that failed (each is logged at warn)} */
    public long failures() {
        return failures;
    }

    /** Stops watching; a reload already running finishes. */
    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void check() {
        try {
            List<Stamp> now = stamps();
            if (now.equals(loaded)) {
                pending = null;
                return;
            }
            if (!now.equals(pending)) {
                pending = now; // changed since the last look: wait one interval for the writer to finish
                return;
            }
            pending = null;
            List<Path> changed = changed(now);
            loaded = now; // a failed reload is not retried until the files change again
            log.info("TLS files changed, reloading: {}", changed);
            reload.run();
        } catch (RuntimeException e) {
            failures++; // the timer thread is the only writer
            log.warn("TLS reload after a file change failed; the previous certificates stay in use until the files change again: {}",
                    e.getMessage());
        }
    }

    private List<Path> changed(List<Stamp> now) {
        List<Path> changed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (!Objects.equals(now.get(i), loaded.get(i))) {
                changed.add(files.get(i));
            }
        }
        return changed;
    }

    private List<Stamp> stamps() {
        List<Stamp> stamps = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                stamps.add(new Stamp(a.lastModifiedTime(), a.size(), a.fileKey()));
            } catch (IOException e) {
                stamps.add(new Stamp(null, -1, null));
            }
        }
        return stamps;
    }
}
