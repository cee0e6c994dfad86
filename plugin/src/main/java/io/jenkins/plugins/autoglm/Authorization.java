package io.jenkins.plugins.autoglm;

import hudson.AbortException;
import hudson.model.Cause;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.User;
import hudson.security.Permission;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The Jenkins side of authorization in a build: the AutoGLM permission must be granted on the job
 * to the user who triggered the build (else to the identity the build runs as). The AutoGLM policy
 * then decides per environment, in core.
 */
final class Authorization {
  private Authorization() {}

  static void require(Run<?, ?> run, Permission permission) throws AbortException {
    Job<?, ?> job = run.getParent();
    Authentication who = requester(run);
    if (!job.getACL().hasPermission2(who, permission)) {
      throw new AbortException(
          Messages.Authorization_Denied(
              who.getName(), permission.group.title + "/" + permission.name, job.getFullName()));
    }
  }

  private static Authentication requester(Run<?, ?> run) {
    Cause.UserIdCause cause = run.getCause(Cause.UserIdCause.class);
    if (cause != null && cause.getUserId() != null) {
      User user = User.getById(cause.getUserId(), false);
      if (user != null) {
        try {
          return user.impersonate2();
        } catch (UsernameNotFoundException e) {
          // fall through: the build's own identity
        }
      }
    }
    return Jenkins.getAuthentication2();
  }
}
