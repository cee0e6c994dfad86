package org.openautoglm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * One in-process run of the {@code autoglm} command line: its exit code and what it printed.
 *
 * <p>Runs see only the environment variables they are given (none by default), so a variable set on
 * the machine that runs the tests cannot change a result.
 */
record CliRun(int exitCode, String out, String err) {

  static CliRun autoglm(String... args) {
    return autoglm(Map.of(), args);
  }

  static CliRun autoglm(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AutoglmCommand.run(args, new PrintWriter(out), new PrintWriter(err), environment);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Standard output, line by line. */
  List<String> outLines() {
    return out.lines().toList();
  }

  /** Both streams, for assertion messages that show what the command said. */
  String transcript() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
