package org.openautoglm.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

/**
 * Loads schemas in either form, compiles each once and caches it by path.
 *
 * <p>A file is JSON Schema when it declares {@code $schema} or its top-level {@code type} is a
 * string ({@code type: object}); otherwise it is the compact form ({@link
 * CompactSchemaTranslator}). JSON Schema without {@code $schema} is read as 2020-12. References to
 * remote schemas are never fetched: validation does no network I/O.
 */
public final class SchemaLoader {
  private final LoadLimits limits;
  private final DocumentParser parser;
  private final SchemaRegistry registry;
  private final Map<Path, ConfigSchema> cache = new ConcurrentHashMap<>();
  private volatile ConfigSchema metaSchema;

  public SchemaLoader(LoadLimits limits) {
    this.limits = limits;
    this.parser = new DocumentParser(limits);
    this.registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder ->
                builder
                    .schemaLoader(loader -> loader.fetchRemoteResources(false))
                    // "format" is checked as ajv-formats does (2020-12 leaves it an annotation)
                    .schemaRegistryConfig(
                        SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
  }

  /** Loads the schema at {@code path}, named {@code displayName} in messages. */
  public ConfigSchema load(Path path, String displayName) {
    Path key = path.toAbsolutePath().normalize();
    ConfigSchema cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    SourceFile source = SourceFile.read(path, displayName, limits);
    ConfigSchema schema = compile(source);
    cache.put(key, schema);
    return schema;
  }

  /** Compiles a schema from text (either form); the name picks JSON or YAML parsing. */
  public ConfigSchema compile(SourceFile source) {
    PositionedDocument document = parser.parse(source);
    JsonNode root = document.root();
    JsonNode jsonSchema;
    Runnable metaCheck = null;
    if (isJsonSchema(root)) {
      // Checked against the meta-schema only when something looks wrong (the schema does not
      // compile, or a document breaks it): compiling the meta-schema costs a cold JVM more than
      // validating a thousand configs, and a valid schema never needs it.
      metaCheck = () -> checkAgainstMetaSchema(document, source);
      jsonSchema = root;
    } else {
      ObjectNode translated = new CompactSchemaTranslator(document, source::position).translate();
      jsonSchema = translated;
    }
    try {
      Schema compiled =
          registry.getSchema(
              SchemaLocation.of("urn:autoglm:schema:" + source.name().replace(' ', '_')),
              jsonSchema);
      compiled.validate(com.fasterxml.jackson.databind.node.NullNode.getInstance());
      return new ConfigSchema(source.name(), compiled, metaCheck);
    } catch (SchemaException | IllegalArgumentException e) {
      if (metaCheck != null) {
        metaCheck.run();
      }
      throw new ConfigException(
          source.position(0), "invalid JSON Schema: " + e.getMessage() + "; fix the schema file");
    }
  }

  /**
   * A schema with a typo ({@code "type": "strin"}) would otherwise fail every document with a
   * puzzling message; checked against the 2020-12 meta-schema (bundled, never fetched), the typo is
   * reported at its line in the schema file.
   */
  private void checkAgainstMetaSchema(PositionedDocument document, SourceFile source) {
    String dialect = document.root().path("$schema").asText(CompactSchemaTranslator.DIALECT);
    if (!dialect.equals(CompactSchemaTranslator.DIALECT)) {
      return; // other drafts are checked by the validator as it compiles them
    }
    List<Violation> violations = metaSchema().validate(document.root());
    if (!violations.isEmpty()) {
      java.util.function.ToIntFunction<Violation> place =
          violation ->
              violation.atKey()
                  ? document.offsetForReport(violation.pointer())
                  : document.span(violation.pointer()).start();
      Violation first =
          violations.stream().min(java.util.Comparator.comparingInt(place)).orElseThrow();
      int offset = place.applyAsInt(first);
      throw new ConfigException(
          source.position(offset),
          "invalid JSON Schema: "
              + (first.pointer().isEmpty() ? "" : first.pointer() + ": ")
              + first.message()
              + " (checked against the JSON Schema 2020-12 meta-schema)");
    }
  }

  private ConfigSchema metaSchema() {
    ConfigSchema meta = metaSchema;
    if (meta == null) {
      meta =
          new ConfigSchema(
              "JSON Schema 2020-12",
              registry.getSchema(SchemaLocation.of(CompactSchemaTranslator.DIALECT)));
      metaSchema = meta;
    }
    return meta;
  }

  static boolean isJsonSchema(JsonNode root) {
    return root.isObject() && (root.has("$schema") || root.path("type").isTextual());
  }
}
