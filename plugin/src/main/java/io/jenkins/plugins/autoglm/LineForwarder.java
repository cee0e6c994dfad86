package io.jenkins.plugins.autoglm;

import hudson.console.LineTransformationOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.openautoglm.training.TrainingListener;

/**
 * Turns a process's output into lines for a listener, cutting each at the length every launcher
 * keeps, so that one process cannot fill the controller's memory.
 */
final class LineForwarder extends LineTransformationOutputStream {
  private final Consumer<String> lines;

  LineForwarder(Consumer<String> lines) {
    this.lines = lines;
  }

  @Override
  protected void eol(byte[] bytes, int length) {
    String line = trimEOL(new String(bytes, 0, length, StandardCharsets.UTF_8));
    if (line.length() > TrainingListener.MAX_LINE_CHARS) {
      line = line.substring(0, TrainingListener.MAX_LINE_CHARS);
    }
    lines.accept(line);
  }
}
