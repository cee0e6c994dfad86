package org.openautoglm.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.document.JsonPointers;
import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.schema.ConfigSchema;
import org.openautoglm.config.schema.SchemaLoader;
import org.openautoglm.config.schema.Violation;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

/**
 * Reads the operator's policy file ({@code autoglm-policy.yaml}), checking it against the bundled
 * schema and then for mistakes a schema cannot see (a member of an unknown role, a required
 * environment that is not listed, an approver role that may not approve), each reported at its
 * file, line and column.
 *
 * <p>A top-level section the file leaves out ({@code roles}, {@code environments}) takes its value
 * from the bundled {@code default-policy.yaml}; {@code members} left out means nobody holds a role.
 * The policy file is the operator's: never load one from a project repository.
 */
public final class PolicyLoader {
  static final String SCHEMA_RESOURCE = "autoglm-policy.schema.json";
  static final String DEFAULTS_RESOURCE = "default-policy.yaml";

  private static final Pattern ROLE_NAME = Pattern.compile("^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$");
  private static final Pattern ENVIRONMENT_NAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
  private static final String SEE = " (in the policy file)";

  private final LoadLimits limits;
  private final DocumentParser parser;
  private final ConfigSchema schema;

  public PolicyLoader(LoadLimits limits) {
    this.limits = limits;
    this.parser = new DocumentParser(limits);
    this.schema =
        new SchemaLoader(limits)
            .compile(new SourceFile(SCHEMA_RESOURCE, resource(SCHEMA_RESOURCE)));
  }

  /**
   * Loads a policy file.
   *
   * @throws ConfigException when it cannot be read, breaks the schema or contradicts itself
   */
  public Policy load(Path file) {
    return load(SourceFile.read(file, file.toString(), limits));
  }

  /** Loads a policy from text already read; {@link SourceFile#name()} names it in messages. */
  public Policy load(SourceFile source) {
    return read(source, defaultPolicy());
  }

  /**
   * Loads {@code file}, or gives the {@linkplain Policy#defaults() defaults} when it is {@code
   * null}. A file that is named but missing is an error, never silently the defaults.
   */
  public Policy loadOrDefaults(Path file) {
    return file == null ? defaultPolicy() : load(file);
  }

  static Policy defaultPolicy() {
    return Defaults.POLICY;
  }

  private static final class Defaults {
    static final Policy POLICY =
        new PolicyLoader(LoadLimits.DEFAULT)
            .read(new SourceFile(DEFAULTS_RESOURCE, resource(DEFAULTS_RESOURCE)), null);
  }

  private Policy read(SourceFile source, Policy fallback) {
    PositionedDocument document = parser.parse(source);
    List<Violation> violations = schema.validate(document.root());
    if (!violations.isEmpty()) {
      Violation first = violations.get(0);
      int offset =
          first.atKey()
              ? document.offsetForReport(first.pointer())
              : document.span(first.pointer()).start();
      throw new ConfigException(
          Diagnostic.at(source.position(offset), first.pointer(), first.message() + SEE));
    }
    Locator inFile =
        (pointer, atValue, message) ->
            new ConfigException(
                Diagnostic.at(
                    source.position(
                        atValue
                            ? document.span(pointer).start()
                            : document.offsetForReport(pointer)),
                    pointer,
                    message + SEE));
    JsonNode root = document.root();

    List<Role> roles = root.has("roles") ? roles(root.get("roles"), inFile) : fallback.roles();
    Map<String, Role> byName = new LinkedHashMap<>();
    roles.forEach(role -> byName.put(role.name(), role));

    Map<String, RoleMembers> members = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.path("members").properties()) {
      if (!byName.containsKey(entry.getKey())) {
        throw inFile.error(
            JsonPointers.child("/members", entry.getKey()),
            false,
            "members name role '"
                + entry.getKey()
                + "', which is not defined"
                + (root.has("roles") ? " under roles" : " (the default roles are used)")
                + "; known roles: "
                + String.join(", ", byName.keySet()));
      }
      members.put(
          entry.getKey(),
          new RoleMembers(
              texts(entry.getValue().get("users")), texts(entry.getValue().get("groups"))));
    }

    PolicyRules rules;
    if (root.has("environments")) {
      rules = environments(root.get("environments"), inFile);
      check(rules, byName, inFile);
    } else {
      rules = fallback == null ? PolicyRules.none() : fallback.rules();
      Locator atRoles =
          (pointer, atValue, message) ->
              inFile.error(
                  root.has("roles") ? "/roles" : "",
                  false,
                  "the default environment rules do not fit the roles of this file: "
                      + message
                      + "; write an environments: section of your own");
      check(rules, byName, atRoles);
    }
    return new Policy(roles, members, rules);
  }

  private static List<Role> roles(JsonNode node, Locator at) {
    List<Role> roles = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String name = entry.getKey();
      if (!ROLE_NAME.matcher(name).matches()) {
        throw at.error(
            JsonPointers.child("/roles", name),
            false,
            "role name '"
                + name
                + "' must start with a letter or digit and hold only letters, digits, '-', '_'"
                + " and '.' (at most 63)");
      }
      JsonNode role = entry.getValue();
      roles.add(
          new Role(
              name,
              role.path("read").asBoolean(false),
              role.path("train").asBoolean(false),
              texts(role.get("promote")),
              texts(role.get("rollback")),
              texts(role.get("approve"))));
    }
    return roles;
  }

  private static PolicyRules environments(JsonNode node, Locator at) {
    List<EnvironmentRule> rules = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String name = entry.getKey();
      String pointer = JsonPointers.child("/environments", name);
      if (!ENVIRONMENT_NAME.matcher(name).matches()) {
        throw at.error(
            pointer,
            false,
            "environment name '"
                + name
                + "' must be a DNS-1123 label: lower-case letters, digits and '-', starting and"
                + " ending with a letter or digit, at most 63 characters");
      }
      JsonNode rule = entry.getValue();
      Duration expiry = null;
      if (rule.has("approvalExpiry")) {
        try {
          expiry = Durations.parse(rule.get("approvalExpiry").asText());
        } catch (IllegalArgumentException e) {
          throw at.error(JsonPointers.child(pointer, "approvalExpiry"), true, e.getMessage());
        }
      }
      rules.add(
          new EnvironmentRule(
              name,
              texts(rule.get("requires")),
              rule.path("approvals").asInt(0),
              texts(rule.get("approvers")),
              expiry,
              rule.path("allowSelfApproval").asBoolean(false)));
    }
    return PolicyRules.of(rules);
  }

  /** The mistakes a schema cannot see, reported through {@code at} by JSON pointer. */
  private static void check(PolicyRules rules, Map<String, Role> roles, Locator at) {
    Set<String> environments = rules.environments().keySet();
    for (EnvironmentRule rule : rules.environments().values()) {
      String pointer = JsonPointers.child("/environments", rule.environment());
      for (int i = 0; i < rule.requires().size(); i++) {
        String required = rule.requires().get(i);
        String item = JsonPointers.child(JsonPointers.child(pointer, "requires"), i);
        if (required.equals(rule.environment())) {
          throw at.error(item, true, rule.environment() + " cannot require itself");
        }
        if (!environments.contains(required)) {
          throw at.error(
              item,
              true,
              rule.environment()
                  + " requires '"
                  + required
                  + "', which is not listed under environments (listed: "
                  + String.join(", ", environments)
                  + "); fix the name, or add it as `"
                  + required
                  + ": {}`");
        }
      }
      for (int i = 0; i < rule.approvers().size(); i++) {
        String approver = rule.approvers().get(i);
        String item = JsonPointers.child(JsonPointers.child(pointer, "approvers"), i);
        Role role = roles.get(approver);
        if (role == null) {
          throw at.error(
              item,
              true,
              rule.environment()
                  + " names approver role '"
                  + approver
                  + "', which is not defined; known roles: "
                  + String.join(", ", roles.keySet()));
        }
        if (!role.allows(Action.APPROVE, rule.environment())) {
          throw at.error(
              item,
              true,
              rule.environment()
                  + " names approver role '"
                  + approver
                  + "', but "
                  + approver
                  + " may not approve "
                  + rule.environment()
                  + (role.approve().isEmpty()
                      ? " (its approve list is empty)"
                      : " (it may approve " + String.join(", ", role.approve()) + " only)")
                  + "; add a matching pattern to its approve list or name another role");
        }
      }
      if (rule.approvals() > 0
          && rule.approvers().isEmpty()
          && roles.values().stream().noneMatch(r -> r.allows(Action.APPROVE, rule.environment()))) {
        throw at.error(
            JsonPointers.child(pointer, "approvals"),
            false,
            rule.environment()
                + " needs "
                + Phrases.approvals(rule.approvals())
                + ", but no role may approve "
                + rule.environment()
                + "; give a role the approve right for it");
      }
    }
    checkCycles(rules, at);
  }

  private static void checkCycles(PolicyRules rules, Locator at) {
    Map<String, Integer> state = new LinkedHashMap<>();
    for (String environment : rules.environments().keySet()) {
      visit(environment, rules, state, new ArrayList<>(), at);
    }
  }

  private static void visit(
      String environment,
      PolicyRules rules,
      Map<String, Integer> state,
      List<String> path,
      Locator at) {
    Integer seen = state.get(environment);
    if (seen != null && seen == 2) {
      return;
    }
    state.put(environment, 1);
    path.add(environment);
    List<String> requires = rules.rule(environment).requires();
    for (int i = 0; i < requires.size(); i++) {
      String required = requires.get(i);
      if (Integer.valueOf(1).equals(state.get(required))) {
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(required), path.size()));
        cycle.add(required);
        throw at.error(
            JsonPointers.child(
                JsonPointers.child(JsonPointers.child("/environments", environment), "requires"),
                i),
            true,
            "requires goes round in a circle ("
                + cycle.stream().collect(Collectors.joining(" requires "))
                + "), so no snapshot could ever be promoted to "
                + Phrases.and(cycle.subList(0, cycle.size() - 1))
                + "; remove one of these requirements");
      }
      visit(required, rules, state, path, at);
    }
    path.remove(path.size() - 1);
    state.put(environment, 2);
  }

  private static List<String> texts(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    List<String> texts = new ArrayList<>();
    node.forEach(item -> texts.add(item.asText()));
    return List.copyOf(texts);
  }

  private static String resource(String name) {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Turns a problem at a JSON pointer into the exception that reports it. */
  @FunctionalInterface
  private interface Locator {
    /**
     * @param atValue whether to show it at the value rather than at its key
     */
    ConfigException error(String pointer, boolean atValue, String message);
  }
}
