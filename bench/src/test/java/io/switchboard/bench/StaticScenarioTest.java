package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** static-1m: the three servers' command lines on the same folder, nginx's configuration, wrk's 16 connections. */
class StaticScenarioTest {
    private final SuiteConfig config = new SuiteConfig(SuiteScenario.ALL, Duration.ofSeconds(10), Duration.ofSeconds(5),
            Path.of("out.csv"), Path.of("ex.jar"), Path.of("bench.jar"), Path.of("bench.lua"), 0, 1, List.of("-Xmx256m"),
            List.of("-Xmx1g"), 10, Path.of("logs"), 0.1, 1, 3, 3, TestCertificate.KeyType.P256, Duration.ofSeconds(15),
            Duration.ofSeconds(60), SuiteConfig.DEFAULT_BROADCAST_ROUNDS);
    private final SuiteCommands commands = new SuiteCommands(config);
    private final SuiteScenario scenario = SuiteScenario.byKey("static-1m");

    @TempDir
    Path dir;

    @Test
    void theThreeServersServeTheSameFolderPinnedToTheServerCpu() {
        assertEquals(List.of(SuiteScenario.SWITCHBOARD, SuiteScenario.NETTY, SuiteScenario.NGINX), scenario.servers());
        List<String> sb = commands.server(scenario, SuiteScenario.SWITCHBOARD, 0, null, dir);
        List<String> netty = commands.server(scenario, SuiteScenario.NETTY, 0, null, dir);
        List<String> nginx = commands.server(scenario, SuiteScenario.NGINX, 8089, null, dir);
        String files = dir.resolve("files").toString();
        assertEquals(List.of("http", "--idle-timeout", "3600", "--request-timeout", "3600", "--static", files,
                "--workers", "1", "--host", "127.0.0.1", "--port", "0"), sb.subList(sb.indexOf("ex.jar") + 1, sb.size()));
        assertEquals(List.of("netty-static", "--dir", files, "--workers", "1", "--host", "127.0.0.1", "--port", "0"),
                netty.subList(netty.indexOf("bench.jar") + 1, netty.size()));
        for (List<String> c : List.of(sb, netty, nginx)) {
            assertEquals(List.of("taskset", "-c", "0"), c.subList(4, 7), c.toString());
        }
        assertTrue(nginx.get(nginx.size() - 4).endsWith("exec nginx -p \"$1\" -c \"$2\""), nginx.toString());
        assertEquals(dir.resolve("nginx/nginx-8089.conf").toString(), nginx.get(nginx.size() - 1));
        assertThrows(IllegalArgumentException.class, () -> commands.server(scenario, SuiteScenario.NETTY, 0, null, null),
                "static-1m needs its folder");
        assertThrows(IllegalArgumentException.class,
                () -> commands.server(SuiteScenario.byKey("http-plain"), SuiteScenario.NGINX, 8089, null, null));
    }

    @Test
    void nginxSendsFilesWithSendfileFromTheSameFolder() throws Exception {
        NginxStatic nginx = new NginxStatic(dir, 8089);
        nginx.writeConfig();
        String conf = Files.readString(nginx.conf());
        for (String line : List.of("master_process off;", "sendfile on;", "access_log off;", "keepalive_requests 100000000;",
                "listen 127.0.0.1:8089;", "location /static/ { alias " + dir.resolve("files") + "/; }")) {
            assertTrue(conf.contains(line), line + " in\n" + conf);
        }
        assertTrue(Files.isDirectory(dir.resolve("nginx/tmp")));
    }

    @Test
    void wrkKeepsSixteenConnections() {
        List<String> wrk = commands.wrk(8080, false, "/static/" + SuiteScenario.STATIC_FILE, Duration.ofSeconds(10),
                List.of(), SuiteScenario.STATIC_CONNECTIONS);
        assertTrue(wrk.contains("-c16"), wrk.toString());
        assertTrue(wrk.contains("http://127.0.0.1:8080/static/file-1m.bin"), wrk.toString());
        assertEquals("req", scenario.unit());
    }
}
