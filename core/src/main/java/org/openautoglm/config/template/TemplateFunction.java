package org.openautoglm.config.template;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The functions a template may call. There are deliberately few, and none can reach files, the
 * environment, the network or Java objects: a template only reshapes the values it is given.
 */
public enum TemplateFunction {
  /** {@code default VALUE} — VALUE when the input is missing, null or the empty string. */
  DEFAULT("default", 1),
  /** {@code required "message"} — an error carrying the message when the input is missing. */
  REQUIRED("required", 1),
  /** {@code quote} — the input as a double-quoted string, escaped for YAML and JSON. */
  QUOTE("quote", 0),
  /** {@code toJson} — the input as compact JSON (valid YAML flow style too). */
  TO_JSON("toJson", 0);

  private final String templateName;
  private final int parameters;

  TemplateFunction(String templateName, int parameters) {
    this.templateName = templateName;
    this.parameters = parameters;
  }

  public String templateName() {
    return templateName;
  }

  /** Arguments written after the name when the input comes through a pipe. */
  public int parameters() {
    return parameters;
  }

  public static Optional<TemplateFunction> byName(String name) {
    return Arrays.stream(values()).filter(f -> f.templateName.equals(name)).findFirst();
  }

  public static String names() {
    return Arrays.stream(values())
        .map(TemplateFunction::templateName)
        .collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return templateName.toLowerCase(Locale.ROOT);
  }
}
