package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Java snippet of docs/guide.md is code that compiles: it appears verbatim in a source file here. */
class GuideTest {

    @Test
    void everyGuideSnippetIsRealCode() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "guide.md"));
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                try {
                    sources.add(Files.readString(f));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(guide);
        int snippets = 0;
        while (m.find()) {
            String snippet = m.group(1).stripTrailing();
            snippets++;
            assertTrue(sources.stream().anyMatch(s -> s.contains(snippet)),
                    "docs/guide.md snippet is not in any source file:\n" + snippet);
        }
        assertTrue(snippets >= 8, "the guide shows its code: " + snippets + " snippets");
    }
}
