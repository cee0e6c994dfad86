package org.openautoglm.config.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.OffsetLocator;
import org.openautoglm.config.source.SourceFile;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Parses YAML safely into a {@link PositionedDocument}.
 *
 * <p>SnakeYAML only composes the node graph here; nothing is ever constructed from a tag, so no
 * class can be instantiated by a document. Only the YAML 1.2 core types are accepted: any other tag
 * (custom, {@code !!binary}, {@code !!javax...}) is refused. Aliases, nesting depth, size and the
 * number of nodes after alias expansion are bounded by {@link LoadLimits}.
 */
public final class YamlDocumentParser {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final LoadLimits limits;

  public YamlDocumentParser(LoadLimits limits) {
    this.limits = limits;
  }

  /** Parses {@code source}; errors are reported at the positions {@code locator} gives. */
  public PositionedDocument parse(SourceFile source, OffsetLocator locator) {
    Node node;
    LoaderOptions options = options();
    TrackingParser events =
        new TrackingParser(new StreamReader(new StringReader(source.text())), options);
    try {
      node = new Composer(events, new CoreSchemaResolver(), options).getSingleNode();
    } catch (MarkedYAMLException e) {
      throw locator.error(
          (offset(source, e.getProblemMark())), describe(e.getProblem(), e.getContext()));
    } catch (ReaderException e) {
      throw locator.error(
          source.offsetOfCodePoint(e.getPosition()),
          String.format(
              "the character U+%04X is not allowed in YAML; remove it, or write it as an escape"
                  + " (\\u%04X) in a double-quoted string",
              e.getCodePoint(), e.getCodePoint()));
    } catch (YAMLException e) {
      // The alias and nesting limits throw without a mark: the event being composed is the place.
      throw locator.error((offset(source, events.lastMark())), describe(e.getMessage(), null));
    }
    Converter converter = new Converter(source, locator);
    if (node != null) {
      converter.checkExpansion(node);
    }
    JsonNode root = node == null ? NODES.nullNode() : converter.convert(node, "", 0);
    if (node == null) {
      converter.valueSpans.put("", new Span(0, 0));
    }
    return new PositionedDocument(root, converter.valueSpans, converter.keyOffsets);
  }

  private LoaderOptions options() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(limits.maxAliases());
    options.setNestingDepthLimit(limits.maxDepth());
    options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxBytes()));
    options.setMergeOnCompose(true);
    options.setProcessComments(false);
    options.setTagInspector(tag -> false);
    return options;
  }

  /** A parser that remembers the last event handed to the composer, to place limit errors. */
  private static final class TrackingParser extends ParserImpl {
    private Event last;

    TrackingParser(StreamReader reader, LoaderOptions options) {
      super(reader, options);
    }

    @Override
    public Event peekEvent() {
      Event event = super.peekEvent();
      last = event == null ? last : event;
      return event;
    }

    @Override
    public Event getEvent() {
      Event event = super.getEvent();
      last = event == null ? last : event;
      return event;
    }

    Mark lastMark() {
      return last == null ? null : last.getStartMark();
    }
  }

  private static int offset(SourceFile source, Mark mark) {
    return mark == null ? 0 : source.offsetOfCodePoint(mark.getIndex());
  }

  private static String describe(String reported, String context) {
    String problem = reported == null ? "malformed YAML" : reported;
    if (problem.contains("Global tag is not allowed")) {
      return "YAML tags that name types are not allowed ("
          + problem.substring(problem.indexOf(':') + 1).trim()
          + "); remove the tag";
    }
    if (problem.contains("Number of aliases")) {
      return "too many aliases to collections (a possible alias bomb); the limit is "
          + problem.replaceAll("\\D+", " ").trim()
          + "";
    }
    if (problem.contains("Nesting Depth exceeded")) {
      return "nesting is deeper than the limit ("
          + problem.replaceAll("\\D+", " ").trim()
          + " levels); flatten the document";
    }
    return "invalid YAML: " + problem + (context == null ? "" : " (" + context + ")");
  }

  /** Walks the composed graph, expanding aliases within the node and depth budgets. */
  private final class Converter {
    private final SourceFile source;
    private final OffsetLocator locator;
    private final Map<String, Span> valueSpans = new HashMap<>();
    private final Map<String, Integer> keyOffsets = new HashMap<>();
    private final Map<Node, Boolean> onPath = new IdentityHashMap<>();
    private int nodes;

    Converter(SourceFile source, OffsetLocator locator) {
      this.source = source;
      this.locator = locator;
    }

    /**
     * Refuses an alias bomb before expanding it: the expanded size of every node is computed once
     * (aliases share nodes), so the check costs time in the size of the text, not of the expansion.
     */
    void checkExpansion(Node root) {
      Map<Node, Long> sizes = new IdentityHashMap<>();
      Node[] culprit = new Node[1];
      long total = expandedSize(root, sizes, new IdentityHashMap<>(), culprit);
      if (total > limits.maxNodes()) {
        Node at = culprit[0] == null ? root : culprit[0];
        throw locator.error(
            offset(source, at.getStartMark()),
            "document expands to more than "
                + limits.maxNodes()
                + " nodes (aliases expand in place); this looks like an alias bomb");
      }
    }

    private long expandedSize(
        Node node, Map<Node, Long> sizes, Map<Node, Boolean> path, Node[] culprit) {
      Long known = sizes.get(node);
      if (known != null) {
        return known;
      }
      if (path.containsKey(node)) {
        return 1; // a recursive alias; convert() reports it at its place
      }
      path.put(node, Boolean.TRUE);
      long size = 1;
      boolean childTooBig = false;
      if (node instanceof SequenceNode sequence) {
        for (Node item : sequence.getValue()) {
          long child = expandedSize(item, sizes, path, culprit);
          childTooBig |= child > limits.maxNodes();
          size = Math.min(Long.MAX_VALUE / 2, size + child);
        }
      } else if (node instanceof MappingNode mapping) {
        for (NodeTuple tuple : mapping.getValue()) {
          long child = expandedSize(tuple.getValueNode(), sizes, path, culprit);
          childTooBig |= child > limits.maxNodes();
          size = Math.min(Long.MAX_VALUE / 2, size + child);
        }
      }
      path.remove(node);
      if (size > limits.maxNodes() && !childTooBig && culprit[0] == null) {
        culprit[0] = node;
      }
      sizes.put(node, size);
      return size;
    }

    JsonNode convert(Node node, String pointer, int depth) {
      int start = offset(source, node.getStartMark());
      if (++nodes > limits.maxNodes()) {
        throw locator.error(
            (start),
            "document expands to more than "
                + limits.maxNodes()
                + " nodes (aliases expand in place); this looks like an alias bomb");
      }
      if (depth > limits.maxDepth() || onPath.containsKey(node)) {
        throw locator.error(
            (start),
            onPath.containsKey(node)
                ? "an alias refers to a node that contains it; recursive documents are not allowed"
                : "nesting is deeper than the limit (" + limits.maxDepth() + " levels)");
      }
      valueSpans.put(pointer, new Span(start, offset(source, node.getEndMark())));
      switch (node.getNodeId()) {
        case scalar:
          return scalar((ScalarNode) node, start);
        case sequence:
          collectionTag(node, Tag.SEQ, start);
          onPath.put(node, Boolean.TRUE);
          ArrayNode array = NODES.arrayNode();
          int index = 0;
          for (Node item : ((SequenceNode) node).getValue()) {
            array.add(convert(item, JsonPointers.child(pointer, index++), depth + 1));
          }
          onPath.remove(node);
          return array;
        case mapping:
          collectionTag(node, Tag.MAP, start);
          onPath.put(node, Boolean.TRUE);
          ObjectNode object = mapping((MappingNode) node, pointer, depth);
          onPath.remove(node);
          return object;
        default:
          throw locator.error((start), "unsupported YAML node");
      }
    }

    /** A tag on a mapping or list ({@code !custom {a: 1}}) is refused like one on a scalar. */
    private void collectionTag(Node node, Tag expected, int start) {
      if (!expected.equals(node.getTag())) {
        throw locator.error(
            (start),
            "YAML tag "
                + node.getTag()
                + " is not allowed; mappings and lists take no tags (remove the tag)");
      }
    }

    private JsonNode scalar(ScalarNode node, int start) {
      if (!ScalarValues.fits(node.getTag(), node.getValue())) {
        // An explicit core tag on text it does not describe: !!int abc, !!bool maybe.
        throw locator.error(
            (start),
            "'"
                + node.getValue()
                + "' is not a valid "
                + node.getTag()
                + "; fix the value or remove the tag");
      }
      JsonNode value = ScalarValues.toJson(node.getTag(), node.getValue());
      if (value == null) {
        throw locator.error(
            (start),
            "YAML tag "
                + node.getTag()
                + " is not allowed; only strings, numbers, booleans and null are (remove the tag)");
      }
      return value;
    }

    private ObjectNode mapping(MappingNode node, String pointer, int depth) {
      ObjectNode object = NODES.objectNode();
      Map<String, Integer> firstSeen = new HashMap<>();
      for (NodeTuple tuple : node.getValue()) {
        Node keyNode = tuple.getKeyNode();
        int keyStart = offset(source, keyNode.getStartMark());
        if (!(keyNode instanceof ScalarNode)) {
          throw locator.error(
              (keyStart), "mapping keys must be plain strings, not collections; rewrite the key");
        }
        String key = ((ScalarNode) keyNode).getValue();
        Integer earlier = firstSeen.putIfAbsent(key, keyStart);
        if (earlier != null) {
          throw locator.error(
              (keyStart),
              "duplicate key '"
                  + key
                  + "' (first defined at "
                  + locator.locate(earlier)
                  + "); remove one of them");
        }
        String child = JsonPointers.child(pointer, key);
        keyOffsets.put(child, keyStart);
        object.set(key, convert(tuple.getValueNode(), child, depth + 1));
      }
      return object;
    }
  }
}
