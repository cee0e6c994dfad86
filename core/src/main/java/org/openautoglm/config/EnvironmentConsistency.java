package org.openautoglm.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.openautoglm.config.document.JsonPointers;
import org.openautoglm.config.document.Span;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.SourcePosition;

/**
 * Compares one config rendered for every environment and reports drift: values that differ where
 * they should not, and keys that only some environments have.
 *
 * <p>Environments are meant to differ in few, known places (replica counts, URLs); everything else
 * (the schema version, the optimizer) differing is usually a mistake made in one values file. The
 * places that may differ are JSON pointers; a {@code *} segment matches any one key or index, and a
 * pointer allows everything below it.
 */
final class EnvironmentConsistency {
  private final List<List<String>> allowed = new ArrayList<>();

  EnvironmentConsistency(List<String> mayDiffer) {
    for (String pointer : mayDiffer) {
      allowed.add(JsonPointers.segments(pointer));
    }
  }

  List<Diagnostic> check(String file, List<RenderedConfig> configs) {
    List<Diagnostic> problems = new ArrayList<>();
    if (configs.size() < 2) {
      return problems;
    }
    List<JsonNode> roots = new ArrayList<>();
    configs.forEach(c -> roots.add(c.document().root()));
    compare("", roots, configs, problems);
    return problems;
  }

  private void compare(
      String pointer, List<JsonNode> nodes, List<RenderedConfig> configs, List<Diagnostic> out) {
    if (isAllowed(pointer)) {
      return;
    }
    if (nodes.stream().allMatch(JsonNode::isObject)) {
      Set<String> keys = new LinkedHashSet<>();
      nodes.forEach(n -> n.fieldNames().forEachRemaining(keys::add));
      for (String key : keys) {
        String child = JsonPointers.child(pointer, key);
        List<String> having = new ArrayList<>();
        List<String> lacking = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
          (nodes.get(i).has(key) ? having : lacking).add(configs.get(i).environment());
        }
        if (!lacking.isEmpty()) {
          if (!isAllowed(child)) {
            RenderedConfig first = configs.get(indexOf(configs, having.get(0)));
            out.add(
                diagnostic(
                    first,
                    child,
                    "present in "
                        + String.join(", ", having)
                        + " but missing in "
                        + String.join(", ", lacking)
                        + "; define it everywhere or list it in consistency.mayDiffer",
                    null));
          }
          continue;
        }
        List<JsonNode> children = new ArrayList<>();
        nodes.forEach(n -> children.add(n.get(key)));
        compare(child, children, configs, out);
      }
      return;
    }
    if (nodes.stream().allMatch(JsonNode::isArray)
        && nodes.stream().mapToInt(JsonNode::size).distinct().count() == 1) {
      for (int index = 0; index < nodes.get(0).size(); index++) {
        List<JsonNode> children = new ArrayList<>();
        for (JsonNode node : nodes) {
          children.add(node.get(index));
        }
        compare(JsonPointers.child(pointer, index), children, configs, out);
      }
      return;
    }
    if (nodes.stream().distinct().count() > 1) {
      StringJoiner values = new StringJoiner(", ");
      StringJoiner origins = new StringJoiner("; ");
      for (int i = 0; i < nodes.size(); i++) {
        RenderedConfig config = configs.get(i);
        values.add(config.environment() + ": " + abbreviate(nodes.get(i).toString()));
        String origin = config.sourceMap().originWithin(config.document().span(pointer));
        if (origin != null) {
          origins.add(config.environment() + " from " + origin);
        }
      }
      out.add(
          diagnostic(
              configs.get(0),
              pointer,
              "differs across environments ("
                  + values
                  + "); make it the same or list "
                  + pointer
                  + " in consistency.mayDiffer",
              origins.length() == 0 ? null : origins.toString()));
    }
  }

  private static int indexOf(List<RenderedConfig> configs, String environment) {
    for (int i = 0; i < configs.size(); i++) {
      if (configs.get(i).environment().equals(environment)) {
        return i;
      }
    }
    return 0;
  }

  private static Diagnostic diagnostic(
      RenderedConfig config, String pointer, String message, String origin) {
    Span span = config.document().span(pointer);
    SourcePosition position =
        config
            .sourceMap()
            .locate(
                config.document().has(pointer)
                    ? config.document().offsetForReport(pointer)
                    : span.start());
    return Diagnostic.at(position, pointer, message).withSource(origin);
  }

  private boolean isAllowed(String pointer) {
    List<String> segments = JsonPointers.segments(pointer);
    for (List<String> pattern : allowed) {
      if (pattern.size() <= segments.size() && matches(pattern, segments)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(List<String> pattern, List<String> segments) {
    for (int i = 0; i < pattern.size(); i++) {
      if (!pattern.get(i).equals("*") && !pattern.get(i).equals(segments.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 37) + "..." : text;
  }
}
