package org.openautoglm.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import java.util.List;

/** A compiled JSON Schema, ready to check documents against; safe to share between threads. */
public final class ConfigSchema {
  private final String name;
  private final Schema schema;

  ConfigSchema(String name, Schema schema) {
    this.name = name;
    this.schema = schema;
  }

  /** The schema file as the user named it. */
  public String name() {
    return name;
  }

  /** Every violation at once, folded into one message per problem. */
  public List<Violation> validate(JsonNode document) {
    try {
      return ViolationMessages.from(schema.validate(document));
    } catch (SchemaException e) {
      return List.of(
          new Violation("", "the schema " + name + " is broken: " + e.getMessage(), false));
    }
  }
}
