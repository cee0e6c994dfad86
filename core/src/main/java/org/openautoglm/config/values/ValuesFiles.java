package org.openautoglm.config.values;

import java.nio.file.Path;
import java.util.List;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

/** Reads values files (plain YAML or JSON, never templates) into {@link Values}. */
public final class ValuesFiles {
  private final LoadLimits limits;
  private final DocumentParser parser;

  public ValuesFiles(LoadLimits limits) {
    this.limits = limits;
    this.parser = new DocumentParser(limits);
  }

  public Values load(Path path, String displayName) {
    SourceFile source = SourceFile.read(path, displayName, limits);
    return Values.fromDocument(parser.parse(source), source::position);
  }

  /** The files laid over each other in order, the last one highest. */
  public Values loadAll(List<NamedPath> files) {
    Values values = Values.empty();
    for (NamedPath file : files) {
      values = values.overlay(load(file.path(), file.displayName()));
    }
    return values;
  }

  /** A file and the name it goes by in messages. */
  public record NamedPath(Path path, String displayName) {}
}
