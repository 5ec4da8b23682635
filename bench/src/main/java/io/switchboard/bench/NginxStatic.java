package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * nginx as static-1m's physical anchor: one process (no master, one worker's work done by it, pinned like every
 * server), {@code sendfile on}, the files of a folder at {@code /static/}, keep-alive connections that last (no
 * {@code keepalive_requests} limit in reach, as the Java servers have none), no access log. Its configuration and
 * temporary folders live in a folder of the run. Immutable.
 *
 * @param dir  the run's folder: {@code files/} holds what is served; the configuration goes in {@code nginx/}
 * @param port the port nginx listens on, on 127.0.0.1
 */
record NginxStatic(Path dir, int port) {
    /** The line the command prints before nginx starts, for {@link ServerProcess}. */
    static final String READY = "nginx listening on";

    /** {@return the configuration file} */
    Path conf() {
        return dir.resolve("nginx").resolve("nginx-" + port + ".conf");
    }

    /** Writes the configuration ({@link #conf()}) and its folders. */
    void writeConfig() throws IOException {
        Path home = dir.resolve("nginx");
        Path tmp = home.resolve("tmp");
        Files.createDirectories(tmp);
        Path conf = conf();
        Files.writeString(conf, String.join("\n",
                "daemon off;",
                "master_process off;",
                "worker_processes 1;",
                "pid " + home.resolve("nginx-" + port + ".pid") + ";",
                "error_log stderr warn;",
                "events { worker_connections 4096; }",
                "http {",
                "    access_log off;",
                "    sendfile on;",
                "    keepalive_timeout 3600s;",
                "    keepalive_requests 100000000;",
                "    default_type application/octet-stream;",
                "    client_body_temp_path " + tmp.resolve("body") + ";",
                "    proxy_temp_path " + tmp.resolve("proxy") + ";",
                "    fastcgi_temp_path " + tmp.resolve("fastcgi") + ";",
                "    uwsgi_temp_path " + tmp.resolve("uwsgi") + ";",
                "    scgi_temp_path " + tmp.resolve("scgi") + ";",
                "    server {",
                "        listen 127.0.0.1:" + port + ";",
                "        location /static/ { alias " + dir.resolve("files") + "/; }",
                "    }",
                "}",
                ""));
    }

    /**
     * The command that prints {@link #READY} and becomes nginx with {@link #conf()} (the same process, so that its CPU
     * time is the server's).
     */
    List<String> command() {
        return List.of("bash", "-c", "echo \"" + READY + " 127.0.0.1:" + port + "\"; exec nginx -p \"$1\" -c \"$2\"", "bash",
                dir.resolve("nginx").toString(), conf().toString());
    }
}
