package org.openautoglm.policy;

import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

/** Policies the tests share: the default roles and rules with a small team as members. */
final class TestPolicies {
  static final PolicyLoader LOADER = new PolicyLoader(LoadLimits.DEFAULT);

  /** The default roles and environments; alice and dora are admins, bob and carol researchers. */
  static final String TEAM =
      """
      members:
        admin: {users: [alice, dora], groups: [ml-platform]}
        researcher: {users: [bob, carol], groups: [researchers]}
        guest: {groups: [authenticated]}
      """;

  static final String V5 =
      "sha256:ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
  static final String V6 =
      "sha256:cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34";

  private TestPolicies() {}

  static Policy team() {
    return parse(TEAM);
  }

  static Policy parse(String text) {
    return LOADER.load(new SourceFile("autoglm-policy.yaml", text));
  }
}
