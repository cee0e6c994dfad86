package org.openautoglm.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openautoglm.config.document.JsonPointers;

/**
 * Turns validator output into messages a person acts on.
 *
 * <p>Validators report every branch of a {@code oneOf}/{@code anyOf} separately; people want one
 * line per value. Branch errors are folded into their combinator's message, and each message names
 * the value found and the value expected.
 */
final class ViolationMessages {
  private ViolationMessages() {}

  static List<Violation> from(List<Error> errors) {
    Map<String, List<Error>> branchErrors = new LinkedHashMap<>();
    List<Error> top = new ArrayList<>();
    for (Error error : errors) {
      String combinator = enclosingCombinator(error.getEvaluationPath().toString());
      if (combinator != null) {
        branchErrors
            .computeIfAbsent(
                key(error.getInstanceLocation().toString(), combinator), k -> new ArrayList<>())
            .add(error);
      } else {
        top.add(error);
      }
    }
    List<Violation> violations = new ArrayList<>();
    for (Error error : top) {
      String pointer = error.getInstanceLocation().toString();
      String evaluation = error.getEvaluationPath().toString();
      List<Error> branches = branchErrors.getOrDefault(key(pointer, evaluation), List.of());
      violations.add(violation(error, pointer, branches));
    }
    return violations;
  }

  private static String key(String pointer, String combinatorPath) {
    return pointer + "\u0000" + combinatorPath;
  }

  /** The evaluation path of the innermost oneOf/anyOf that {@code path} is a branch of. */
  private static String enclosingCombinator(String path) {
    int best = -1;
    for (String keyword : new String[] {"/oneOf/", "/anyOf/"}) {
      best = Math.max(best, path.lastIndexOf(keyword));
    }
    if (best < 0) {
      return null;
    }
    int end = path.indexOf('/', best + 1);
    return path.substring(0, end);
  }

  private static Violation violation(Error error, String pointer, List<Error> branches) {
    JsonNode found = error.getInstanceNode();
    Object[] args = error.getArguments() == null ? new Object[0] : error.getArguments();
    switch (error.getKeyword()) {
      case "required":
        return new Violation(
            pointer, "missing required key '" + error.getProperty() + "'; add it", true);
      case "additionalProperties":
      case "unevaluatedProperties":
        String key = error.getProperty();
        return new Violation(
            JsonPointers.child(pointer, key),
            "unknown key '" + key + "': the schema does not allow it (a typo?)",
            true);
      case "type":
        return new Violation(
            pointer, "expected " + arg(args, 1) + ", found " + describe(found), false);
      case "minimum":
        return new Violation(
            pointer, "must be ≥ " + arg(args, 0) + ", found " + describe(found), false);
      case "maximum":
        return new Violation(
            pointer, "must be ≤ " + arg(args, 0) + ", found " + describe(found), false);
      case "exclusiveMinimum":
        return new Violation(
            pointer, "must be > " + arg(args, 0) + ", found " + describe(found), false);
      case "exclusiveMaximum":
        return new Violation(
            pointer, "must be < " + arg(args, 0) + ", found " + describe(found), false);
      case "enum":
        return new Violation(
            pointer, "must be one of " + arg(args, 0) + ", found " + describe(found), false);
      case "const":
        return new Violation(
            pointer, "must be " + arg(args, 0) + ", found " + describe(found), false);
      case "pattern":
        return new Violation(
            pointer, describe(found) + " does not match the pattern " + arg(args, 0), false);
      case "minLength":
      case "maxLength":
      case "minItems":
      case "maxItems":
        return new Violation(pointer, error.getMessage() + ", found " + describe(found), false);
      case "oneOf":
      case "anyOf":
        return new Violation(pointer, combinator(error, found, branches), false);
      default:
        return new Violation(pointer, error.getMessage(), false);
    }
  }

  private static String combinator(Error error, JsonNode found, List<Error> branches) {
    List<String> expected = new ArrayList<>();
    for (Error branch : branches) {
      String text =
          branch.getKeyword().equals("type")
              ? String.valueOf(branch.getArguments()[1])
              : branch.getMessage();
      if (!expected.contains(text)) {
        expected.add(text);
      }
    }
    if (expected.isEmpty()) {
      return error.getKeyword().equals("oneOf")
          ? "matches more than one of the allowed forms, found " + describe(found)
          : error.getMessage();
    }
    return "matches none of the allowed forms ("
        + String.join(" | ", expected)
        + "), found "
        + describe(found);
  }

  private static String arg(Object[] args, int index) {
    return index < args.length ? String.valueOf(args[index]) : "?";
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    String type;
    switch (node.getNodeType()) {
      case STRING:
        type = "string";
        break;
      case NUMBER:
        type = node.isIntegralNumber() ? "integer" : "number";
        break;
      case BOOLEAN:
        type = "boolean";
        break;
      case NULL:
        return "null";
      case OBJECT:
        return "a mapping";
      case ARRAY:
        return "a list";
      default:
        type = node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
    String text = node.toString();
    if (text.length() > 60) {
      text = text.substring(0, 57) + "...";
    }
    return type + " " + text;
  }
}
