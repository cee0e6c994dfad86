package io.jenkins.plugins.autoglm;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.model.Item;
import hudson.security.Permission;
import hudson.security.PermissionGroup;
import hudson.security.PermissionScope;
import jenkins.model.Jenkins;

/**
 * The AutoGLM permission group: what matrix or role-based authorization grants per job or folder.
 *
 * <p>A Jenkins permission is the first gate; the AutoGLM policy (roles, environment rules,
 * approvals) from the global configuration is the second, per environment. Training is implied by
 * the right to build (anyone who can build can run code on an agent anyway); promotion, rollback
 * and approval are implied only by administering Jenkins, so nobody gets them by accident.
 */
public final class AutoglmPermissions {
  public static final PermissionGroup GROUP =
      new PermissionGroup(AutoglmPermissions.class, Messages._AutoglmPermissions_Group());

  public static final Permission TRAIN =
      new Permission(
          GROUP, "Train", Messages._AutoglmPermissions_Train(), Item.BUILD, PermissionScope.ITEM);

  public static final Permission PROMOTE =
      new Permission(
          GROUP,
          "Promote",
          Messages._AutoglmPermissions_Promote(),
          Jenkins.ADMINISTER,
          PermissionScope.ITEM);

  public static final Permission ROLLBACK =
      new Permission(
          GROUP,
          "Rollback",
          Messages._AutoglmPermissions_Rollback(),
          Jenkins.ADMINISTER,
          PermissionScope.ITEM);

  public static final Permission APPROVE =
      new Permission(
          GROUP,
          "Approve",
          Messages._AutoglmPermissions_Approve(),
          Jenkins.ADMINISTER,
          PermissionScope.ITEM);

  private AutoglmPermissions() {}

  /**
   * Loads this class before authorization strategies list permissions, so that the group shows in
   * the matrix from the first start.
   */
  @Initializer(after = InitMilestone.PLUGINS_STARTED)
  public static void register() {
    // class initialisation registers the group and its permissions
  }
}
