package org.openautoglm.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what, and what a promotion needs: roles and their rights, who holds each role, and the
 * rules of each environment. Immutable and safe to share between threads.
 *
 * <p>Every decision comes with a reason a person can read, naming the role and the rule that
 * decided. A person may hold several roles; an action is allowed when any of them allows it.
 * Someone who holds no role may do nothing. Roles are only ever granted by the operator (the policy
 * file, or Jenkins' global configuration); a project's own rules can add gates ({@link
 * #withProjectRules}) but never grant anything.
 */
public final class Policy {
  private final Map<String, Role> roles;
  private final Map<String, RoleMembers> members;
  private final PolicyRules rules;

  /**
   * A policy from its parts.
   *
   * @param roles the roles, in the order they are listed in messages
   * @param members who holds each role; roles without an entry are held by nobody
   * @param rules the environments' promotion rules
   * @throws IllegalArgumentException when two roles share a name or members name an unknown role
   */
  public Policy(List<Role> roles, Map<String, RoleMembers> members, PolicyRules rules) {
    Map<String, Role> byName = new LinkedHashMap<>();
    for (Role role : roles) {
      if (byName.putIfAbsent(role.name(), role) != null) {
        throw new IllegalArgumentException("role " + role.name() + " is defined twice");
      }
    }
    Map<String, RoleMembers> holders = new LinkedHashMap<>();
    members.forEach(
        (role, who) -> {
          if (!byName.containsKey(role)) {
            throw new IllegalArgumentException(
                "members name role " + role + ", which is not defined");
          }
          holders.put(role, Objects.requireNonNull(who));
        });
    this.roles = Collections.unmodifiableMap(byName);
    this.members = Collections.unmodifiableMap(holders);
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /**
   * The policy that applies when the operator names no policy file: the roles admin, researcher and
   * guest with their default rights, the default environment rules, and no members, so that nobody
   * holds a role until the operator says so. The bundled {@code default-policy.yaml} spells it out.
   */
  public static Policy defaults() {
    return PolicyLoader.defaultPolicy();
  }

  public List<Role> roles() {
    return List.copyOf(roles.values());
  }

  public Optional<Role> role(String name) {
    return Optional.ofNullable(roles.get(name));
  }

  /** Who holds each role, for the roles the policy names members for. */
  public Map<String, RoleMembers> members() {
    return members;
  }

  /** Who holds {@code role}; nobody when the policy names no members for it. */
  public RoleMembers members(String role) {
    return members.getOrDefault(role, RoleMembers.NOBODY);
  }

  public PolicyRules rules() {
    return rules;
  }

  /**
   * This policy with a project's environment rules added; the result is at least as strict as both
   * (see {@link PolicyRules#merge}). Roles and members stay the operator's.
   */
  public Policy withProjectRules(PolicyRules projectRules) {
    return new Policy(List.copyOf(roles.values()), members, rules.merge(projectRules));
  }

  /** The names of the roles {@code actor} holds, by name or through a group. */
  public List<String> rolesOf(Actor actor) {
    return held(actor).stream().map(Role::name).toList();
  }

  /**
   * Whether {@code actor}'s roles allow {@code action}; for promotion this is only the role right,
   * {@link #checkPromotion} adds order and approvals.
   *
   * @param environment the environment for promote, roll back and approve; ignored otherwise
   */
  public Decision decide(Actor actor, Action action, String environment) {
    requireEnvironment(action, environment);
    List<Role> held = held(actor);
    if (held.isEmpty()) {
      return Decision.deny(noRole(actor, action, environment));
    }
    Optional<Role> granting = granting(held, action, environment);
    if (granting.isPresent()) {
      return Decision.allow(
          actor.user()
              + " may "
              + action.phrase(environment)
              + " as "
              + granting.get().name()
              + (action == Action.PROMOTE ? gates(environment) : ""));
    }
    return Decision.deny(
        who(actor, held) + " " + scope(held, action) + others(action, environment));
  }

  /**
   * {@link #checkPromotion(Actor, String, SnapshotRef, Set, List, Instant)} without a version
   * label.
   */
  public PromotionCheck checkPromotion(
      Actor requester,
      String environment,
      String snapshotDigest,
      Set<String> environmentsWhereSnapshotVerified,
      List<Approval> approvals,
      Instant now) {
    return checkPromotion(
        requester,
        environment,
        SnapshotRef.of(snapshotDigest),
        environmentsWhereSnapshotVerified,
        approvals,
        now);
  }

  /**
   * Whether {@code requester} may promote {@code snapshot} to {@code environment} now: the role
   * right, then the order (the snapshot must be verified in every required environment), then the
   * approvals. An approval counts only when it is for this environment and this snapshot's digest,
   * its approver is not the requester (unless the environment allows it), holds the approve right
   * for this environment in one of its approver roles, has not expired, and has not been counted
   * already.
   *
   * @param environmentsWhereSnapshotVerified environments where this snapshot passed verification
   * @param approvals every recorded approval that might apply; those that do not are explained
   * @param now the time to judge expiry by
   */
  public PromotionCheck checkPromotion(
      Actor requester,
      String environment,
      SnapshotRef snapshot,
      Set<String> environmentsWhereSnapshotVerified,
      List<Approval> approvals,
      Instant now) {
    requireEnvironment(Action.PROMOTE, environment);
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(now, "now");
    Set<String> verified = Set.copyOf(environmentsWhereSnapshotVerified);
    List<Role> held = held(requester);
    Optional<Role> granting = granting(held, Action.PROMOTE, environment);
    if (granting.isEmpty()) {
      return PromotionCheck.denied(decide(requester, Action.PROMOTE, environment).reason());
    }
    EnvironmentRule rule = rules.rule(environment);
    List<String> missing = rule.requires().stream().filter(e -> !verified.contains(e)).toList();
    if (!missing.isEmpty()) {
      return PromotionCheck.denied(unverified(environment, snapshot, missing, verified));
    }
    String allowed =
        requester.user()
            + " may promote "
            + snapshot.describe()
            + " to "
            + environment
            + " as "
            + granting.get().name();
    String order =
        rule.requires().isEmpty() ? "" : "it is verified in " + Phrases.and(rule.requires());
    if (rule.approvals() == 0) {
      return new PromotionCheck(
          PromotionCheck.Outcome.ALLOWED,
          allowed + (order.isEmpty() ? "" : "; " + order),
          0,
          List.of(),
          List.of(),
          List.of());
    }
    List<String> approverRoles = approverRoles(environment);
    if (approverRoles.isEmpty()) {
      return PromotionCheck.denied(
          environment
              + " needs "
              + Phrases.approvals(rule.approvals())
              + ", but no role may approve promotions to "
              + environment
              + "; the operator must grant the approve right for it in the policy file");
    }
    Map<String, String> counted = new LinkedHashMap<>();
    List<String> ignored = new ArrayList<>();
    for (Approval approval : approvals) {
      String notCounted =
          whyNotCounted(approval, requester, environment, snapshot, rule, approverRoles, now);
      if (notCounted != null) {
        ignored.add(notCounted);
      } else if (counted.putIfAbsent(
              approval.approver().user().toLowerCase(Locale.ROOT), approval.approver().user())
          != null) {
        ignored.add(
            "a second approval by " + approval.approver().user() + " (each person counts once)");
      }
    }
    List<String> approvers = List.copyOf(counted.values());
    if (approvers.size() >= rule.approvals()) {
      return new PromotionCheck(
          PromotionCheck.Outcome.ALLOWED,
          allowed
              + "; "
              + (order.isEmpty() ? "it is " : order + " and ")
              + "approved by "
              + Phrases.and(approvers)
              + " ("
              + Phrases.approvals(rule.approvals())
              + " needed)",
          0,
          approverRoles,
          approvers,
          ignored);
    }
    int more = rule.approvals() - approvers.size();
    String reason =
        environment
            + " needs "
            + Phrases.approvals(rule.approvals())
            + " by "
            + Phrases.or(approverRoles)
            + (rule.allowSelfApproval() ? "" : " other than " + requester.user())
            + " for "
            + snapshot.describe()
            + "; "
            + (approvers.isEmpty()
                ? "none counts yet"
                : "approved so far by " + Phrases.and(approvers))
            + ", "
            + more
            + " more needed"
            + (ignored.isEmpty() ? "" : " (not counted: " + String.join("; ", ignored) + ")");
    return new PromotionCheck(
        PromotionCheck.Outcome.NEEDS_APPROVAL, reason, more, approverRoles, approvers, ignored);
  }

  /**
   * Whether {@code approver} may approve a promotion to {@code environment} that {@code requester}
   * asked for: the approve right for the environment, in one of its approver roles, and not for
   * their own request unless the environment allows self-approval.
   *
   * @param requester who asked for the promotion, or {@code null} when not known yet
   */
  public Decision checkApproval(Actor approver, String environment, String requester) {
    requireEnvironment(Action.APPROVE, environment);
    List<Role> held = held(approver);
    if (held.isEmpty()) {
      return Decision.deny(noRole(approver, Action.APPROVE, environment));
    }
    if (granting(held, Action.APPROVE, environment).isEmpty()) {
      return Decision.deny(
          who(approver, held)
              + " "
              + scope(held, Action.APPROVE)
              + others(Action.APPROVE, environment));
    }
    List<String> approverRoles = approverRoles(environment);
    Optional<Role> eligible =
        held.stream().filter(role -> approverRoles.contains(role.name())).findFirst();
    if (eligible.isEmpty()) {
      return Decision.deny(notAnApproverRole(approver, held, environment, approverRoles));
    }
    EnvironmentRule rule = rules.rule(environment);
    if (!rule.allowSelfApproval() && approver.isSameUser(requester)) {
      return Decision.deny(
          approver.user()
              + " cannot approve their own request; promotions to "
              + environment
              + " need an approval by another "
              + Phrases.or(approverRoles));
    }
    String allowed =
        approver.user()
            + " may approve promotions to "
            + environment
            + " as "
            + eligible.get().name();
    return Decision.allow(
        rule.approvals() == 0
            ? allowed + "; " + environment + " needs no approval, so it is only recorded"
            : allowed);
  }

  /** {@link #whoCan(Action, String, SnapshotRef, Set)} without a version label. */
  public List<Route> whoCan(
      Action action, String environment, String snapshotDigest, Set<String> verifiedIn) {
    return whoCan(
        action,
        environment,
        snapshotDigest == null ? null : SnapshotRef.of(snapshotDigest),
        verifiedIn);
  }

  /**
   * The dry-run: each role whose holders could do {@code action}, who they are, and what they would
   * still need (verification in earlier environments, approvals and by whom). Roles that may not do
   * it are left out, so an empty list means nobody can.
   *
   * @param snapshot the snapshot to promote, or {@code null} when it does not matter
   * @param verifiedIn environments where the snapshot is already verified
   */
  public List<Route> whoCan(
      Action action, String environment, SnapshotRef snapshot, Set<String> verifiedIn) {
    requireEnvironment(action, environment);
    Set<String> verified = Set.copyOf(verifiedIn);
    String subject = snapshot == null ? "the snapshot" : snapshot.describe();
    EnvironmentRule rule = environment == null ? null : rules.rule(environment);
    List<String> approverRoles =
        action.perEnvironment() ? approverRoles(environment) : List.<String>of();
    List<Route> routes = new ArrayList<>();
    for (Role role : roles.values()) {
      boolean can =
          action == Action.APPROVE
              ? approverRoles.contains(role.name())
              : role.allows(action, environment);
      if (!can) {
        continue;
      }
      RoleMembers holders = members(role.name());
      String by = role.name() + " (" + holders.describe() + ")";
      switch (action) {
        case PROMOTE -> {
          List<String> verifyFirst = rules.verificationPath(environment, verified);
          List<String> steps = new ArrayList<>();
          if (!verifyFirst.isEmpty()) {
            steps.add("verify it in " + String.join(", then ", verifyFirst) + " first");
          }
          if (rule.approvals() > 0) {
            steps.add(
                approverRoles.isEmpty()
                    ? "get "
                        + Phrases.approvals(rule.approvals())
                        + ", though no role may approve promotions to "
                        + environment
                    : "get "
                        + Phrases.approvals(rule.approvals())
                        + " by "
                        + Phrases.or(approverRoles)
                        + (!rule.allowSelfApproval() && approverRoles.contains(role.name())
                            ? " other than the requester"
                            : ""));
          }
          routes.add(
              new Route(
                  role.name(),
                  holders.users(),
                  holders.groups(),
                  rule.approvals(),
                  rule.approvals() > 0 ? approverRoles : List.of(),
                  verifyFirst,
                  by
                      + " can promote "
                      + subject
                      + " to "
                      + environment
                      + (steps.isEmpty() ? " directly" : ": " + String.join(", then ", steps))));
        }
        case APPROVE ->
            routes.add(
                direct(
                    role,
                    holders,
                    by
                        + " can approve promotions of "
                        + subject
                        + " to "
                        + environment
                        + (rule.allowSelfApproval() ? "" : ", but not their own requests")));
        case ROLLBACK ->
            routes.add(direct(role, holders, by + " can roll back " + environment + " directly"));
        default -> routes.add(direct(role, holders, by + " can " + action.phrase(environment)));
      }
    }
    return List.copyOf(routes);
  }

  private static Route direct(Role role, RoleMembers holders, String description) {
    return new Route(
        role.name(), holders.users(), holders.groups(), 0, List.of(), List.of(), description);
  }

  /** Why {@code approval} does not count towards this promotion, or {@code null} when it does. */
  private String whyNotCounted(
      Approval approval,
      Actor requester,
      String environment,
      SnapshotRef snapshot,
      EnvironmentRule rule,
      List<String> approverRoles,
      Instant now) {
    Actor approver = approval.approver();
    String by = "approval by " + approver.user();
    if (!approval.environment().equals(environment)) {
      return by + " was for " + approval.environment() + ", not " + environment;
    }
    if (!approval.snapshotDigest().equals(snapshot.digest())) {
      return by
          + " was for snapshot "
          + approval.snapshot().describe()
          + ", not "
          + snapshot.describe();
    }
    if (!rule.allowSelfApproval() && approver.isSameUser(requester.user())) {
      return approver.user() + " cannot approve their own request";
    }
    List<Role> held = held(approver);
    if (held.isEmpty()) {
      return by + " does not count: " + approver.user() + " holds no role";
    }
    if (granting(held, Action.APPROVE, environment).isEmpty()) {
      return by
          + " does not count: "
          + who(approver, held)
          + " may not approve promotions to "
          + environment;
    }
    if (held.stream().noneMatch(role -> approverRoles.contains(role.name()))) {
      return by
          + " does not count: "
          + notAnApproverRole(approver, held, environment, approverRoles);
    }
    if (rule.approvalExpiry() != null) {
      Instant expiry = approval.approvedAt().plus(rule.approvalExpiry());
      if (!now.isBefore(expiry)) {
        return by
            + " expired at "
            + Phrases.instant(expiry)
            + " (approvals last "
            + Durations.format(rule.approvalExpiry())
            + ")";
      }
    }
    return null;
  }

  private static String notAnApproverRole(
      Actor approver, List<Role> held, String environment, List<String> approverRoles) {
    return "only approvals by "
        + Phrases.or(approverRoles)
        + " count for "
        + environment
        + ", and "
        + who(approver, held)
        + " holds none of these roles";
  }

  private static String unverified(
      String environment, SnapshotRef snapshot, List<String> missing, Set<String> verified) {
    List<String> so = verified.stream().sorted().toList();
    return snapshot.describe()
        + " must be verified in "
        + Phrases.and(missing)
        + " before it is promoted to "
        + environment
        + "; "
        + (so.isEmpty()
            ? "it is not verified in any environment yet"
            : "so far it is verified in " + Phrases.and(so) + " only")
        + ", so promote it to "
        + Phrases.and(missing)
        + " first";
  }

  /** The roles whose holders' approvals count for {@code environment}. */
  List<String> approverRoles(String environment) {
    EnvironmentRule rule = rules.rule(environment);
    return roles.values().stream()
        .filter(role -> role.allows(Action.APPROVE, environment))
        .filter(role -> rule.approvers().isEmpty() || rule.approvers().contains(role.name()))
        .map(Role::name)
        .toList();
  }

  private List<Role> held(Actor actor) {
    Objects.requireNonNull(actor, "actor");
    return roles.values().stream().filter(role -> members(role.name()).holds(actor)).toList();
  }

  private static Optional<Role> granting(List<Role> held, Action action, String environment) {
    return held.stream().filter(role -> role.allows(action, environment)).findFirst();
  }

  private static String who(Actor actor, List<Role> held) {
    return actor.user() + " (" + String.join(", ", held.stream().map(Role::name).toList()) + ")";
  }

  private static String noRole(Actor actor, Action action, String environment) {
    return actor.user()
        + " holds no role"
        + (actor.groups().isEmpty()
            ? ""
            : ", by name or through the groups " + String.join(", ", actor.groups()))
        + ", so "
        + actor.user()
        + " may not "
        + action.phrase(environment)
        + "; only the operator's policy file grants roles";
  }

  /** What the held roles allow instead: {@code may promote to test, test-*, dev only}. */
  private static String scope(List<Role> held, Action action) {
    if (!action.perEnvironment()) {
      return "may not " + action.phrase(null);
    }
    Set<String> patterns = new LinkedHashSet<>();
    held.forEach(role -> patterns.addAll(role.patterns(action)));
    return patterns.isEmpty()
        ? "may not " + action.phrase("any environment")
        : "may " + action.phrase(String.join(", ", patterns)) + " only";
  }

  /** Who may do it instead, and what it needs: {@code ; production can be promoted by admin}. */
  private String others(Action action, String environment) {
    List<String> able =
        action == Action.APPROVE
            ? approverRoles(environment)
            : roles.values().stream()
                .filter(role -> role.allows(action, environment))
                .map(Role::name)
                .toList();
    if (able.isEmpty()) {
      return "; no role may " + action.phrase(environment);
    }
    return switch (action) {
      case PROMOTE -> {
        EnvironmentRule rule = rules.rule(environment);
        yield "; "
            + environment
            + " can be promoted by "
            + Phrases.or(able)
            + (rule.approvals() > 0
                ? " and needs "
                    + Phrases.approvals(rule.approvals())
                    + " by "
                    + Phrases.or(approverRoles(environment))
                : "");
      }
      case ROLLBACK -> "; " + environment + " can be rolled back by " + Phrases.or(able);
      case APPROVE -> "; promotions to " + environment + " are approved by " + Phrases.or(able);
      default -> "; only " + Phrases.or(able) + " may " + action.phrase(null);
    };
  }

  /** The gates a promotion right is subject to: {@code (production also requires …)}. */
  private String gates(String environment) {
    EnvironmentRule rule = rules.rule(environment);
    List<String> parts = new ArrayList<>();
    if (!rule.requires().isEmpty()) {
      parts.add("verification in " + Phrases.and(rule.requires()));
    }
    if (rule.approvals() > 0) {
      List<String> approverRoles = approverRoles(environment);
      parts.add(
          Phrases.approvals(rule.approvals())
              + (approverRoles.isEmpty() ? "" : " by " + Phrases.or(approverRoles)));
    }
    return parts.isEmpty() ? "" : " (" + environment + " also requires " + Phrases.and(parts) + ")";
  }

  private static void requireEnvironment(Action action, String environment) {
    Objects.requireNonNull(action, "action");
    if (action.perEnvironment() && (environment == null || environment.isBlank())) {
      throw new IllegalArgumentException("to " + action.phrase("an environment") + ", name it");
    }
  }
}
