package org.openautoglm.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import java.util.List;

/** A compiled JSON Schema, ready to check documents against; safe to share between threads. */
public final class ConfigSchema {
  private final String name;
  private final Schema schema;
  private final Runnable metaCheck;
  private volatile RuntimeException schemaProblem;
  private volatile boolean metaChecked;

  ConfigSchema(String name, Schema schema) {
    this(name, schema, null);
  }

  /**
   * @param metaCheck throws a {@link org.openautoglm.config.source.ConfigException} at the schema
   *     file's position when the schema itself is wrong; run once, the first time a document breaks
   *     the schema; {@code null} for schemas that need none (compact, bundled)
   */
  ConfigSchema(String name, Schema schema, Runnable metaCheck) {
    this.name = name;
    this.schema = schema;
    this.metaCheck = metaCheck;
  }

  /** The schema file as the user named it. */
  public String name() {
    return name;
  }

  /**
   * Every violation at once, folded into one message per problem.
   *
   * @throws org.openautoglm.config.source.ConfigException when the document breaks the schema
   *     because the schema itself is wrong (a typo such as {@code "type": "strin"}): that is
   *     reported at its place in the schema file instead
   */
  public List<Violation> validate(JsonNode document) {
    List<Violation> violations;
    try {
      violations = ViolationMessages.from(schema.validate(document));
    } catch (SchemaException e) {
      return List.of(
          new Violation("", "the schema " + name + " is broken: " + e.getMessage(), false));
    }
    if (!violations.isEmpty()) {
      checkSchema();
    }
    return violations;
  }

  private void checkSchema() {
    if (metaCheck == null) {
      return;
    }
    if (!metaChecked) {
      synchronized (this) {
        if (!metaChecked) {
          try {
            metaCheck.run();
          } catch (RuntimeException e) {
            schemaProblem = e;
          }
          metaChecked = true;
        }
      }
    }
    if (schemaProblem != null) {
      throw schemaProblem;
    }
  }
}
