package org.openautoglm.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    Set<String> reporting = new HashSet<>();
    for (Error error : errors) {
      if (error.getKeyword().equals("oneOf") || error.getKeyword().equals("anyOf")) {
        reporting.add(error.getEvaluationPath().toString());
      }
    }
    Map<String, List<Error>> branchErrors = new LinkedHashMap<>();
    Map<String, List<Error>> silentBranches = new LinkedHashMap<>();
    List<Error> top = new ArrayList<>();
    for (Error error : errors) {
      String combinator = owner(error.getEvaluationPath().toString(), reporting);
      if (combinator == null) {
        top.add(error);
      } else if (reporting.contains(combinator)) {
        branchErrors
            .computeIfAbsent(
                key(error.getInstanceLocation().toString(), combinator), k -> new ArrayList<>())
            .add(error);
      } else {
        silentBranches.computeIfAbsent(combinator, k -> new ArrayList<>()).add(error);
      }
    }
    List<Violation> violations = new ArrayList<>();
    for (Error error : top) {
      String pointer = error.getInstanceLocation().toString();
      String evaluation = error.getEvaluationPath().toString();
      List<Error> branches = branchErrors.getOrDefault(key(pointer, evaluation), List.of());
      violations.add(violation(error, pointer, branches));
    }
    for (List<Error> branches : silentBranches.values()) {
      violations.addAll(unreported(branches));
    }
    return violations;
  }

  /**
   * The combinator an error at {@code path} is folded into: the innermost enclosing one that
   * reports its own failure, else the outermost (an {@code anyOf} reports only its branches).
   */
  private static String owner(String path, Set<String> reporting) {
    String combinator = enclosingCombinator(path);
    while (combinator != null && !reporting.contains(combinator)) {
      String outer = enclosingCombinator(combinator);
      if (outer == null) {
        break;
      }
      combinator = outer;
    }
    return combinator;
  }

  /**
   * One violation per value for a combinator that failed without an error of its own; branch errors
   * about a value and about the values inside it are one problem, at the outer value.
   */
  private static List<Violation> unreported(List<Error> branches) {
    List<Error> sorted = new ArrayList<>(branches);
    sorted.sort(Comparator.comparingInt(e -> e.getInstanceLocation().toString().length()));
    Map<String, List<Error>> byValue = new LinkedHashMap<>();
    Map<String, JsonNode> found = new LinkedHashMap<>();
    for (Error error : sorted) {
      String pointer = error.getInstanceLocation().toString();
      String owner =
          byValue.keySet().stream()
              .filter(p -> pointer.equals(p) || pointer.startsWith(p + "/"))
              .findFirst()
              .orElse(pointer);
      byValue.computeIfAbsent(owner, k -> new ArrayList<>()).add(error);
      found.putIfAbsent(owner, error.getInstanceNode());
    }
    List<Violation> violations = new ArrayList<>();
    byValue.forEach(
        (pointer, errors) ->
            violations.add(
                new Violation(
                    pointer, combinator("anyOf", null, found.get(pointer), errors), false)));
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
        return new Violation(
            pointer,
            "must be at least " + arg(args, 0) + " characters long, found " + describe(found),
            false);
      case "maxLength":
        return new Violation(
            pointer,
            "must be at most " + arg(args, 0) + " characters long, found " + describe(found),
            false);
      case "minItems":
        return new Violation(
            pointer,
            "must have at least " + arg(args, 0) + " item(s), found " + size(found),
            false);
      case "maxItems":
        return new Violation(
            pointer, "must have at most " + arg(args, 0) + " item(s), found " + size(found), false);
      case "oneOf":
      case "anyOf":
        return new Violation(
            pointer, combinator(error.getKeyword(), error.getMessage(), found, branches), false);
      default:
        return new Violation(pointer, error.getMessage(), false);
    }
  }

  private static String combinator(
      String keyword, String message, JsonNode found, List<Error> branches) {
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
      return keyword.equals("oneOf")
          ? "matches more than one of the allowed forms, found " + describe(found)
          : message;
    }
    return "matches none of the allowed forms ("
        + String.join(" | ", expected)
        + "), found "
        + describe(found);
  }

  private static String size(JsonNode node) {
    return node == null ? "nothing" : node.size() + "";
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
