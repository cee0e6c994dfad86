package io.jenkins.plugins.autoglm;

import hudson.AbortException;
import hudson.model.Cause;
import hudson.model.Run;
import hudson.model.User;
import hudson.security.ACL;
import java.util.LinkedHashSet;
import java.util.Set;
import jenkins.model.Jenkins;
import org.openautoglm.policy.Actor;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * Who acts, as the policy sees it: a Jenkins user id and the groups Jenkins' security realm gives
 * that user. In a build it is the user who triggered the build (so a pipeline cannot promote as
 * someone else); on a page, the user who pressed the button.
 */
final class Actors {
  private Actors() {}

  /**
   * The user who triggered the build, else the user the build runs as.
   *
   * @throws AbortException when no user can be named (a timer or SCM build running as SYSTEM)
   */
  static Actor ofBuild(Run<?, ?> run) throws AbortException {
    Cause.UserIdCause cause = run.getCause(Cause.UserIdCause.class);
    if (cause != null && cause.getUserId() != null) {
      return ofUser(cause.getUserId());
    }
    Authentication current = Jenkins.getAuthentication2();
    if (!ACL.isAnonymous2(current) && !ACL.SYSTEM2.equals(current)) {
      return of(current);
    }
    throw new AbortException(Messages.Actors_NoUser());
  }

  /** The user of the current web request. */
  static Actor current() {
    return of(Jenkins.getAuthentication2());
  }

  static Actor ofUser(String userId) {
    User user = User.getById(userId, false);
    if (user == null) {
      return Actor.of(userId);
    }
    try {
      return of(user.impersonate2());
    } catch (UsernameNotFoundException e) {
      // the realm no longer knows the user (deleted from LDAP): no groups, only the name
      return Actor.of(user.getId());
    }
  }

  private static Actor of(Authentication authentication) {
    Set<String> groups = new LinkedHashSet<>();
    for (GrantedAuthority authority : authentication.getAuthorities()) {
      String name = authority.getAuthority();
      if (name != null && !name.equals(authentication.getName())) {
        groups.add(name);
      }
    }
    return new Actor(authentication.getName(), groups);
  }
}
