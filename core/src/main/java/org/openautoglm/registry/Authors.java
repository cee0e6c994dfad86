package org.openautoglm.registry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.PersonIdent;

/** Who did something, as the registry records it: a user name, and the Git identity for it. */
final class Authors {
  private static final int MAX_LENGTH = 200;
  private static final Pattern FORBIDDEN = Pattern.compile("[\\p{Cntrl}<>]");

  private Authors() {}

  /** The name, checked: not blank, one line, no angle brackets (Git reserves them for e-mail). */
  static String check(String actor, String role) {
    if (actor == null || actor.isBlank()) {
      throw new RegistryException("the " + role + " is missing: every change records who made it");
    }
    if (actor.length() > MAX_LENGTH || FORBIDDEN.matcher(actor).find()) {
      throw new RegistryException(
          "the "
              + role
              + " '"
              + actor.replaceAll("\\p{Cntrl}", "?")
              + "' is not a user name: use one line of at most "
              + MAX_LENGTH
              + " characters without < or >");
    }
    return actor.strip();
  }

  /** The Git author and committer of a change: the actor, at the time of the change, in UTC. */
  static PersonIdent person(String actor, Instant at) {
    // Git wants an e-mail; a user name is what Jenkins and the CLI know, so it goes in both.
    String email = actor.contains("@") ? actor : "";
    return new PersonIdent(actor, email, at, ZoneOffset.UTC);
  }
}
