package io.jenkins.plugins.autoglm;

import hudson.PluginWrapper;
import hudson.model.Item;
import hudson.security.Permission;
import hudson.slaves.Cloud;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * The one place that reaches {@link Jenkins#get()}: the rest of the plugin asks here, so that the
 * global state it depends on is visible in one small class (and an architecture test can keep it
 * that way).
 */
final class JenkinsFacade {
  private JenkinsFacade() {}

  static Jenkins jenkins() {
    return Jenkins.get();
  }

  /** Throws {@code AccessDeniedException} unless the current user has {@code permission}. */
  static void checkPermission(Permission permission) {
    Jenkins.get().checkPermission(permission);
  }

  static boolean hasPermission(Permission permission) {
    return Jenkins.get().hasPermission(permission);
  }

  /**
   * Checks {@code permission} on {@code item}, or globally when there is no item (global forms).
   */
  static void checkPermission(Item item, Permission permission) {
    if (item == null) {
      Jenkins.get().checkPermission(permission);
    } else {
      item.checkPermission(permission);
    }
  }

  static boolean hasPermission(Item item, Permission permission) {
    return item == null ? Jenkins.get().hasPermission(permission) : item.hasPermission(permission);
  }

  /** {@code JENKINS_HOME}. */
  static Path rootDirectory() {
    return Jenkins.get().getRootDir().toPath();
  }

  static Cloud cloud(String name) {
    return Jenkins.get().getCloud(name);
  }

  /** Names of the configured clouds of a type, in configuration order. */
  static List<String> cloudNames(Class<? extends Cloud> type) {
    List<String> names = new ArrayList<>();
    for (Cloud cloud : Jenkins.get().clouds) {
      if (type.isInstance(cloud)) {
        names.add(cloud.name);
      }
    }
    return names;
  }

  /** Whether an optional plugin is installed and active. */
  static boolean pluginActive(String shortName) {
    PluginWrapper plugin = Jenkins.get().getPluginManager().getPlugin(shortName);
    return plugin != null && plugin.isActive();
  }

  static Item item(String fullName) {
    return Jenkins.get().getItemByFullName(fullName);
  }
}
