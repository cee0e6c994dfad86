package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private copy of {@code examples/} that a test may break; the shipped examples stay untouched.
 *
 * <p>Every edit checks that the text it changes is there exactly once, so a change to the examples
 * makes the test fail loudly instead of silently testing an unbroken project.
 */
final class ExampleProject {
  /** The shipped example project; surefire runs in the cli module. */
  static final Path EXAMPLES = Path.of("..", "examples");

  static final List<String> ENVIRONMENTS = List.of("dev", "staging", "production");

  private final Path root;

  private ExampleProject(Path root) {
    this.root = root;
  }

  static ExampleProject copyInto(Path directory) {
    Path root = directory.resolve("project");
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      for (Path source : files.toList()) {
        Path target = root.resolve(EXAMPLES.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ExampleProject(root);
  }

  Path root() {
    return root;
  }

  /** The project descriptor, as an absolute path to pass to {@code --project}. */
  String descriptor() {
    return path("autoglm.yaml");
  }

  /** A project file as the CLI names it in messages (the descriptor's directory is absolute). */
  String path(String relative) {
    return root.resolve(relative).toString();
  }

  /** Replaces text that must occur exactly once in the file. */
  ExampleProject replace(String relative, String text, String replacement) {
    String content = read(relative);
    assertThat(content.split(Pattern.quote(text), -1))
        .as("occurrences of '%s' in %s", text, relative)
        .hasSize(2);
    return write(relative, content.replace(text, replacement));
  }

  ExampleProject append(String relative, String text) {
    try {
      Files.writeString(root.resolve(relative), text, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  ExampleProject write(String relative, String text) {
    return write(relative, text.getBytes(StandardCharsets.UTF_8));
  }

  ExampleProject write(String relative, byte[] bytes) {
    try {
      Files.createDirectories(root.resolve(relative).getParent());
      Files.write(root.resolve(relative), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  String read(String relative) {
    try {
      return Files.readString(root.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of a file from a 1-based line and column on, to check a reported position. */
  String textAt(String relative, int line, int column) {
    String text = read(relative).lines().toList().get(line - 1);
    return text.substring(text.offsetByCodePoints(0, column - 1));
  }
}
