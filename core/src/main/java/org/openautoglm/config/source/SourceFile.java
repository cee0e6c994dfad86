package org.openautoglm.config.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The text of one file with what is needed to turn a character offset into line and column.
 *
 * <p>Files are read as strict UTF-8: an invalid byte sequence is an error at its line and column,
 * never silently replaced.
 */
public final class SourceFile {
  private final String name;
  private final String text;
  // Computed on first use: most files are valid and never asked for a position.
  private volatile int[] lineStarts;
  private volatile int bmpOnly = -1;

  public SourceFile(String name, String text) {
    this.name = name;
    this.text = text;
  }

  /**
   * Reads a file, refusing it before reading when it is larger than {@code limits.maxBytes()}.
   *
   * @param displayName the name used in messages (usually the path as the user wrote it)
   */
  public static SourceFile read(Path path, String displayName, LoadLimits limits) {
    long size;
    try {
      size = Files.size(path);
    } catch (NoSuchFileException e) {
      throw ConfigException.forFile(displayName, "file not found");
    } catch (IOException e) {
      throw ConfigException.forFile(displayName, "cannot read file: " + e.getMessage());
    }
    if (size > limits.maxBytes()) {
      throw ConfigException.forFile(
          displayName,
          "file is "
              + size
              + " bytes, more than the limit of "
              + limits.maxBytes()
              + " bytes; split it or raise the limit (--max-bytes)");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw ConfigException.forFile(displayName, "cannot read file: " + e.getMessage());
    }
    return new SourceFile(displayName, decode(displayName, bytes));
  }

  /** Decodes strict UTF-8 and drops a leading byte-order mark. */
  public static String decode(String displayName, byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int bad = in.position();
      String before = new String(bytes, 0, bad, StandardCharsets.UTF_8);
      SourceFile prefix = new SourceFile(displayName, before);
      SourcePosition at = prefix.position(before.length());
      throw new ConfigException(
          at,
          String.format(
              "invalid UTF-8 (byte 0x%02X at byte offset %d); save the file as UTF-8",
              bytes[bad] & 0xff, bad));
    }
    try {
      result = decoder.flush(out);
      if (result.isError()) {
        result.throwException();
      }
    } catch (CharacterCodingException e) {
      throw ConfigException.forFile(displayName, "invalid UTF-8; save the file as UTF-8");
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  public String name() {
    return name;
  }

  public String text() {
    return text;
  }

  /** The line and column of a character offset (clamped to the text). */
  public SourcePosition position(int offset) {
    int clamped = Math.max(0, Math.min(offset, text.length()));
    int[] starts = lineStarts();
    int index = Arrays.binarySearch(starts, clamped);
    int line = index >= 0 ? index : -index - 2;
    int column = text.codePointCount(starts[line], clamped) + 1;
    return new SourcePosition(name, line + 1, column);
  }

  /** The character offset of a 0-based code-point index, as SnakeYAML reports them. */
  public int offsetOfCodePoint(int codePointIndex) {
    if (bmpOnly < 0) {
      bmpOnly = text.codePointCount(0, text.length()) == text.length() ? 1 : 0;
    }
    if (bmpOnly == 1) {
      return Math.min(codePointIndex, text.length());
    }
    int limit = text.codePointCount(0, text.length());
    return text.offsetByCodePoints(0, Math.min(codePointIndex, limit));
  }

  private int[] lineStarts() {
    int[] starts = lineStarts;
    if (starts == null) {
      starts = lineStarts(text);
      lineStarts = starts;
    }
    return starts;
  }

  private static int[] lineStarts(String text) {
    int count = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        count++;
      }
    }
    int[] starts = new int[count];
    int line = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts[line++] = i + 1;
      }
    }
    return starts;
  }
}
