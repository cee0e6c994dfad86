package org.openautoglm.config.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class SourceFileTest {
  @TempDir Path directory;

  private static Diagnostic rejection(Path file, LoadLimits limits) {
    Throwable thrown = catchThrowable(() -> SourceFile.read(file, "values/big.yaml", limits));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return ((ConfigException) thrown).diagnostic();
  }

  private Path write(byte[] bytes) throws IOException {
    return Files.write(directory.resolve("file.yaml"), bytes);
  }

  private static byte[] bytes(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  private Path sparse(long size) throws IOException {
    Path file = directory.resolve("sparse.yaml");
    try (RandomAccessFile handle = new RandomAccessFile(file.toFile(), "rw")) {
      handle.setLength(size);
    }
    return file;
  }

  @Test
  void shouldPositionOffsetsByLineAndCodePointColumn() {
    SourceFile source = new SourceFile("a.yaml", "ab\n\uD83D\uDE00x\n\nend");

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(source.position(0)).hasToString("a.yaml:1:1");
    softly.assertThat(source.position(2)).hasToString("a.yaml:1:3");
    softly.assertThat(source.position(3)).hasToString("a.yaml:2:1");
    // the emoji is two chars but one column
    softly.assertThat(source.position(5)).hasToString("a.yaml:2:2");
    softly.assertThat(source.position(7)).hasToString("a.yaml:3:1");
    softly.assertThat(source.position(8)).hasToString("a.yaml:4:1");
    // clamped to the text
    softly.assertThat(source.position(-5)).hasToString("a.yaml:1:1");
    softly.assertThat(source.position(1000)).hasToString("a.yaml:4:4");
    softly.assertAll();
  }

  @Test
  void shouldConvertCodePointIndexesToCharOffsets() {
    SourceFile source = new SourceFile("a.yaml", "\uD83D\uDE00ab");

    assertThat(source.offsetOfCodePoint(0)).isZero();
    assertThat(source.offsetOfCodePoint(1)).isEqualTo(2);
    assertThat(source.offsetOfCodePoint(2)).isEqualTo(3);
    assertThat(source.offsetOfCodePoint(99)).isEqualTo(4);
  }

  @Test
  void shouldReadUtf8AndDropAByteOrderMark() throws IOException {
    Path file = write(bytes(0xEF, 0xBB, 0xBF, "name: caf\u00e9\n"));

    SourceFile source = SourceFile.read(file, "values/x.yaml", LoadLimits.DEFAULT);

    assertThat(source.text()).isEqualTo("name: caf\u00e9\n");
    assertThat(source.name()).isEqualTo("values/x.yaml");
  }

  @Test
  void shouldRejectInvalidUtf8AtTheLineAndColumnOfTheBadByte() throws IOException {
    // 0xC3 starts a two-byte sequence, '(' cannot continue it
    Path file = write(bytes("a: 1\nb: caf", 0xC3, "(\n"));

    Diagnostic error = rejection(file, LoadLimits.DEFAULT);

    assertThat(error.position()).hasToString("values/big.yaml:2:7");
    assertThat(error.message())
        .isEqualTo("invalid UTF-8 (byte 0xC3 at byte offset 11); save the file as UTF-8");
  }

  @Test
  void shouldCountColumnsInCharactersBeforeTheBadByte() throws IOException {
    // a Latin-1 file: 'é' is the single byte 0xE9; a correct 'é' (two bytes) comes before it
    Path file = write(bytes("x: \u00e9", 0xE9, "\n"));

    Diagnostic error = rejection(file, LoadLimits.DEFAULT);

    assertThat(error.position()).hasToString("values/big.yaml:1:5");
    assertThat(error.message()).contains("byte 0xE9 at byte offset 5");
  }

  @Test
  void shouldRejectASequenceCutOffAtTheEndOfTheFile() throws IOException {
    Path file = write(bytes("x: ", 0xE2, 0x82));

    Diagnostic error = rejection(file, LoadLimits.DEFAULT);

    assertThat(error.position()).hasToString("values/big.yaml:1:4");
    assertThat(error.message()).startsWith("invalid UTF-8 (byte 0xE2 at byte offset 3)");
  }

  @Test
  void shouldRejectUtf16() throws IOException {
    Path file = write("a: 1\n".getBytes(StandardCharsets.UTF_16));

    assertThat(rejection(file, LoadLimits.DEFAULT).message())
        .startsWith("invalid UTF-8 (byte 0xFE");
  }

  @Test
  void shouldRefuseAFileOverTheLimitFromItsSize() throws IOException {
    Path file = sparse(100L * 1024 * 1024);

    Diagnostic error = rejection(file, LoadLimits.DEFAULT);

    assertThat(error.position()).hasToString("values/big.yaml:1:1");
    assertThat(error.message())
        .isEqualTo(
            "file is 104857600 bytes, more than the limit of 10485760 bytes; split it or raise"
                + " the limit (--max-bytes)");
  }

  @Test
  @DisabledOnOs(value = OS.WINDOWS, disabledReason = "NTFS allocates what setLength asks for")
  void shouldRefuseAFileBeforeReadingIt() throws IOException {
    // Reading 2 GiB into one array is impossible (OutOfMemoryError), so a ConfigException about
    // the size proves the size was checked first. The file is sparse and costs no disk.
    Path file = sparse(Integer.MAX_VALUE + 1L);

    assertThat(rejection(file, LoadLimits.DEFAULT).message())
        .startsWith("file is 2147483648 bytes");
  }

  @Test
  void shouldRefuseARealFileJustOverTenMebibytes() throws IOException {
    byte[] content = new byte[10 * 1024 * 1024 + 1];
    java.util.Arrays.fill(content, (byte) 'a');
    Path file = write(content);

    assertThat(rejection(file, LoadLimits.DEFAULT).message())
        .startsWith("file is 10485761 bytes, more than the limit of 10485760 bytes");
  }

  @Test
  void shouldAcceptAFileExactlyAtTheLimit() throws IOException {
    Path file = write("a: 12345\n".getBytes(StandardCharsets.UTF_8));

    assertThat(SourceFile.read(file, "x", LoadLimits.DEFAULT.withMaxBytes(9)).text())
        .isEqualTo("a: 12345\n");
    assertThat(rejection(file, LoadLimits.DEFAULT.withMaxBytes(8)).message())
        .startsWith("file is 9 bytes, more than the limit of 8 bytes");
  }

  @Test
  void shouldReportAMissingFileByItsDisplayName() {
    Diagnostic error = rejection(directory.resolve("nope.yaml"), LoadLimits.DEFAULT);

    assertThat(error.toString()).isEqualTo("values/big.yaml:1:1: file not found");
  }

  @Test
  void shouldRefuseLimitsThatAreNotPositive() {
    assertThatThrownBy(() -> new LoadLimits(0, 50, 50, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LoadLimits.DEFAULT.withMaxDepth(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldFormatDiagnosticsLikeACompiler() {
    Diagnostic plain = Diagnostic.at(new SourcePosition("t.yaml", 3, 7), null, "bad");
    Diagnostic full =
        Diagnostic.at(new SourcePosition("t.yaml", 3, 7), "/a/b", "bad").withSource("--set a.b=1");

    assertThat(plain).hasToString("t.yaml:3:7: bad");
    assertThat(full).hasToString("t.yaml:3:7: /a/b: bad (value from --set a.b=1)");
  }
}
