package org.openautoglm.config.document;

import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.OffsetLocator;
import org.openautoglm.config.source.SourceFile;

/** Picks the JSON or YAML parser by file name: {@code .json} is JSON, everything else YAML. */
public final class DocumentParser {
  private final YamlDocumentParser yaml;
  private final JsonDocumentParser json;

  public DocumentParser(LoadLimits limits) {
    this.yaml = new YamlDocumentParser(limits);
    this.json = new JsonDocumentParser(limits);
  }

  public PositionedDocument parse(SourceFile source) {
    return parse(source, source::position);
  }

  public PositionedDocument parse(SourceFile source, OffsetLocator locator) {
    return isJson(source.name()) ? json.parse(source, locator) : yaml.parse(source, locator);
  }

  public static boolean isJson(String fileName) {
    return fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".json");
  }
}
