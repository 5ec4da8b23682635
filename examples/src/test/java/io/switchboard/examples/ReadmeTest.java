package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's code is real code: it must match a source file that compiles in this module. */
class ReadmeTest {

    @Test
    void readmeServerIsTheCompiledShoutServer() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String source = Files.readString(Path.of("src/main/java/io/switchboard/examples/ShoutServer.java"));
        String body = source.substring(source.indexOf("import "));
        assertTrue(readme.contains("```java\n" + body + "```"), "README.md's server differs from ShoutServer.java");
    }

    @Test
    void readmeCommandsAreTheOnesCiRuns() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String ci = Files.readString(Path.of("..", ".ci", "run"));
        assertTrue(readme.contains("```sh\nmvn verify\n```"), "README's test command");
        assertTrue(ci.lines().anyMatch(l -> l.equals("mvn verify")), ".ci/run runs the README's test command");
        assertTrue(readme.contains("java -jar examples/target/switchboard-examples.jar http"), "README's start command");
    }
}
