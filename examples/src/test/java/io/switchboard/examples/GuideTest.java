package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of docs/guide.md is code that compiles: the guide names its file with a link to a {@code .java}
 * file in the text before it (after the previous snippet), and the snippet appears verbatim in that file.
 */
class GuideTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern SNIPPET = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final Pattern JAVA_LINK = Pattern.compile("\\]\\(([^)\\s]+\\.java)\\)");

    /** A snippet of the guide and the file its text names. */
    record Snippet(String code, String link) {
    }

    static List<Snippet> snippets(String guide) {
        List<Snippet> snippets = new ArrayList<>();
        Matcher m = SNIPPET.matcher(guide);
        int textFrom = 0;
        while (m.find()) {
            Matcher link = JAVA_LINK.matcher(guide.substring(textFrom, m.start()));
            String named = null;
            while (link.find()) {
                named = link.group(1);
            }
            snippets.add(new Snippet(m.group(1).stripTrailing(), named));
            textFrom = m.end();
        }
        return snippets;
    }

    @Test
    void everyGuideSnippetIsInTheFileTheGuideNames() throws IOException {
        List<Snippet> snippets = snippets(Files.readString(DOCS.resolve("guide.md")));
        for (Snippet s : snippets) {
            if (s.link() == null) {
                fail("docs/guide.md: no link to a .java file between this snippet and the one before:\n" + s.code());
            }
            Path file = DOCS.resolve(s.link()).normalize();
            assertTrue(Files.isRegularFile(file), "docs/guide.md links to " + s.link() + ", which is not a file");
            assertTrue(Files.readString(file).contains(s.code()),
                    "docs/guide.md snippet is not in " + s.link() + ", the file it names:\n" + s.code());
        }
        assertTrue(snippets.size() >= 12, "the guide shows its code: " + snippets.size() + " snippets");
    }

    @Test
    void aSnippetIsLookedForInItsOwnFileOnly() {
        String guide = "From [`EchoServer.java`](../examples/src/main/java/io/switchboard/examples/EchoServer.java):\n\n"
                + "```java\n    x();\n```\n\nThen [`a`](A.java) and [`b`](B.java):\n\n```java\n    y();\n```\n\n```java\n    z();\n```\n";
        List<Snippet> found = snippets(guide);
        assertEquals(List.of(new Snippet("    x();", "../examples/src/main/java/io/switchboard/examples/EchoServer.java"),
                new Snippet("    y();", "B.java"), new Snippet("    z();", null)), found,
                "each snippet names the last .java link since the snippet before it, and none when there is none");
    }
}
