package org.openautoglm.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON forms of the registry's documents: what it stores in Git and what the CLI and the pages
 * print. Field names and shapes are the contract, so they are written out by hand here rather than
 * derived from the records. Times are ISO-8601 in UTC; absent values are {@code null}.
 */
public final class RegistryJson {
  /** Version of the stored documents, so that a later release can read older registries. */
  static final int SCHEMA = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RegistryJson() {}

  /**
   * An environment's history as the CLI prints it: {@code {"environment", "current", "entries"}},
   * entries newest first as given.
   */
  public static ObjectNode history(EnvironmentState state, List<HistoryEntry> entries) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("environment", state.environment());
    node.set("current", current(state));
    ArrayNode array = node.putArray("entries");
    entries.forEach(entry -> array.add(entry(entry)));
    return node;
  }

  /**
   * The current deployment of an environment: {@code {"snapshot", "version", "since", "by",
   * "verified"}}, or a JSON {@code null} when nothing was ever deployed there.
   */
  public static JsonNode current(EnvironmentState state) {
    if (state.snapshot() == null) {
      return MAPPER.nullNode();
    }
    ObjectNode node = MAPPER.createObjectNode();
    node.put("snapshot", state.snapshot());
    node.put("version", state.version());
    node.put("since", time(state.since()));
    node.put("by", state.by());
    node.put("verified", state.verified());
    return node;
  }

  /** One history entry. */
  public static ObjectNode entry(HistoryEntry entry) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("seq", entry.seq());
    node.put("action", entry.action().json());
    node.put("version", entry.version());
    node.put("snapshot", entry.snapshot());
    node.put("actor", entry.actor());
    ArrayNode approvers = node.putArray("approvers");
    entry.approvers().forEach(approvers::add);
    node.put("at", time(entry.at()));
    node.put("reason", entry.reason());
    node.put("verified", entry.verified());
    return node;
  }

  /** An environment's whole state, as stored in {@code state.json}. */
  public static ObjectNode state(EnvironmentState state) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("schema", SCHEMA);
    node.put("environment", state.environment());
    node.put("seq", state.seq());
    node.set("current", current(state));
    ArrayNode verified = node.putArray("lastVerified");
    state.lastVerified().forEach(verified::add);
    ArrayNode approvals = node.putArray("approvals");
    state.approvals().forEach(request -> approvals.add(approval(request)));
    return node;
  }

  /** One approval request. */
  public static ObjectNode approval(ApprovalRequest request) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", request.id());
    node.put("environment", request.environment());
    node.put("snapshot", request.snapshot());
    node.put("version", request.version());
    node.put("requester", request.requester());
    node.put("reason", request.reason());
    node.put("requestedAt", time(request.requestedAt()));
    node.put("required", request.required());
    ArrayNode approvals = node.putArray("approvals");
    for (ApprovalRequest.Approval approval : request.approvals()) {
      approvals.addObject().put("user", approval.user()).put("at", time(approval.at()));
    }
    node.put("state", request.state().json());
    return node;
  }

  /** A model version. */
  public static ObjectNode version(ModelVersion version) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("schema", SCHEMA);
    node.put("number", version.number());
    node.put("artifactUri", version.artifactUri());
    node.put("sha256", version.sha256());
    node.put("image", version.image());
    node.put("configDigest", version.configDigest());
    node.put("trainingRunId", version.trainingRunId());
    ObjectNode metrics = node.putObject("metrics");
    version.metrics().forEach(metrics::put);
    node.put("sourceCommit", version.sourceCommit());
    node.put("createdBy", version.createdBy());
    node.put("createdAt", time(version.createdAt()));
    return node;
  }

  /** A snapshot. */
  public static ObjectNode snapshot(Snapshot snapshot) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("schema", SCHEMA);
    node.put("digest", snapshot.digest());
    node.put("version", snapshot.version());
    node.put("artifactUri", snapshot.artifactUri());
    node.put("sha256", snapshot.sha256());
    node.put("image", snapshot.image());
    node.put("configDigest", snapshot.configDigest());
    ObjectNode parameters = node.putObject("deployParameters");
    snapshot.deployParameters().forEach(parameters::put);
    node.put("createdBy", snapshot.createdBy());
    node.put("createdAt", time(snapshot.createdAt()));
    return node;
  }

  /** Compact JSON text of a node. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // a tree of plain nodes always serialises
      throw new IllegalStateException(e);
    }
  }

  static String canonicalTuple(
      int version,
      String artifactUri,
      String sha256,
      String image,
      String configDigest,
      Map<String, String> deployParameters) {
    // Keys are put in sorted order by hand: the digest must not depend on a mapper setting.
    ObjectNode node = MAPPER.createObjectNode();
    node.put("artifactUri", artifactUri);
    node.put("configDigest", configDigest);
    ObjectNode parameters = node.putObject("deployParameters");
    new TreeMap<>(deployParameters == null ? Map.<String, String>of() : deployParameters)
        .forEach(parameters::put);
    node.put("image", image);
    node.put("sha256", sha256);
    node.put("version", version);
    return write(node);
  }

  static byte[] bytes(JsonNode node) {
    return (write(node) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode parse(byte[] bytes, String what) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new RegistryException(what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new RegistryException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static ModelVersion parseVersion(JsonNode node) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    node.path("metrics")
        .properties()
        .forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
    return new ModelVersion(
        node.path("number").asInt(),
        text(node, "artifactUri"),
        text(node, "sha256"),
        text(node, "image"),
        text(node, "configDigest"),
        text(node, "trainingRunId"),
        metrics,
        text(node, "sourceCommit"),
        text(node, "createdBy"),
        instant(node, "createdAt"));
  }

  static Snapshot parseSnapshot(JsonNode node) {
    Map<String, String> parameters = new LinkedHashMap<>();
    node.path("deployParameters")
        .properties()
        .forEach(e -> parameters.put(e.getKey(), e.getValue().asText()));
    return new Snapshot(
        text(node, "digest"),
        node.path("version").asInt(),
        text(node, "artifactUri"),
        text(node, "sha256"),
        text(node, "image"),
        text(node, "configDigest"),
        parameters,
        text(node, "createdBy"),
        instant(node, "createdAt"));
  }

  static HistoryEntry parseEntry(JsonNode node) {
    List<String> approvers = new ArrayList<>();
    node.path("approvers").forEach(approver -> approvers.add(approver.asText()));
    return new HistoryEntry(
        node.path("seq").asLong(),
        HistoryEntry.Action.fromJson(text(node, "action")),
        integer(node, "version"),
        text(node, "snapshot"),
        text(node, "actor"),
        approvers,
        instant(node, "at"),
        text(node, "reason"),
        node.path("verified").asBoolean());
  }

  static EnvironmentState parseState(JsonNode node) {
    JsonNode current = node.path("current");
    List<String> verified = new ArrayList<>();
    node.path("lastVerified").forEach(digest -> verified.add(digest.asText()));
    List<ApprovalRequest> approvals = new ArrayList<>();
    node.path("approvals").forEach(request -> approvals.add(parseApproval(request)));
    return new EnvironmentState(
        text(node, "environment"),
        node.path("seq").asLong(),
        text(current, "snapshot"),
        integer(current, "version"),
        instant(current, "since"),
        text(current, "by"),
        current.path("verified").asBoolean(),
        verified,
        approvals);
  }

  static ApprovalRequest parseApproval(JsonNode node) {
    List<ApprovalRequest.Approval> approvals = new ArrayList<>();
    node.path("approvals")
        .forEach(
            approval ->
                approvals.add(
                    new ApprovalRequest.Approval(text(approval, "user"), instant(approval, "at"))));
    return new ApprovalRequest(
        text(node, "id"),
        text(node, "environment"),
        text(node, "snapshot"),
        node.path("version").asInt(),
        text(node, "requester"),
        text(node, "reason"),
        instant(node, "requestedAt"),
        node.path("required").asInt(),
        approvals,
        ApprovalRequest.State.fromJson(text(node, "state")));
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Integer integer(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asInt();
  }

  private static Instant instant(JsonNode node, String field) {
    String value = text(node, field);
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new RegistryException("'" + field + "' is not an ISO-8601 time: " + value, e);
    }
  }
}
