package io.jenkins.plugins.autoglm;

import hudson.FilePath;
import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Result;
import hudson.security.ACL;
import hudson.security.ACLContext;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;

/** A small project in a job's workspace, and the users and roles the tests act as. */
final class TestProjects {
  static final String DESCRIPTOR =
      String.join(
          "\n",
          "apiVersion: autoglm/v1",
          "name: demo",
          "configs:",
          "  - file: configs/train.yaml",
          "    schema: schemas/train.schema.json",
          "values: values/common.yaml",
          "environments:",
          "  - {name: dev, values: values/dev.yaml}",
          "  - {name: production, values: values/production.yaml, approvals: 1}",
          "training:",
          "  command: [sh, -c, 'echo \"AUTOGLM_METRIC {\\\"name\\\": \\\"loss\\\", \\\"step\\\":"
              + " $RANK, \\\"value\\\": 0.5}\"; echo rank $RANK of $WORLD_SIZE']",
          "  nodes: 1",
          "  procsPerNode: 2",
          "  timeout: 60s",
          "");

  private TestProjects() {}

  /** Writes the project; {@code batchSize} in production decides whether it validates. */
  static void write(FilePath workspace, int productionBatchSize) throws Exception {
    workspace.child("autoglm.yaml").write(DESCRIPTOR, "UTF-8");
    workspace
        .child("configs/train.yaml")
        .write("lr: {{ .lr }}\nbatch_size: {{ .batch }}\n", "UTF-8");
    workspace
        .child("schemas/train.schema.json")
        .write(
            "{\"type\": \"object\", \"properties\": {\"lr\": {\"type\": \"number\"},"
                + " \"batch_size\": {\"type\": \"integer\", \"maximum\": 4096}},"
                + " \"required\": [\"lr\", \"batch_size\"]}",
            "UTF-8");
    workspace.child("values/common.yaml").write("lr: 0.1\nbatch: 32\n", "UTF-8");
    workspace.child("values/dev.yaml").write("batch: 16\n", "UTF-8");
    workspace
        .child("values/production.yaml")
        .write("batch: " + productionBatchSize + "\n", "UTF-8");
    workspace.child("model-1.bin").write("weights one", "UTF-8");
    workspace.child("model-2.bin").write("weights two", "UTF-8");
  }

  /** A pipeline job with the project in its workspace. */
  static WorkflowJob job(JenkinsRule j, String name, String script) throws Exception {
    WorkflowJob job = j.createProject(WorkflowJob.class, name);
    job.setDefinition(new CpsFlowDefinition(script, true));
    write(j.jenkins.getWorkspaceFor(job), 64);
    return job;
  }

  /**
   * alice and dave are AutoGLM admins (and Jenkins admins), bob is a researcher with read and build
   * only.
   */
  static void secure(JenkinsRule j) {
    j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
    j.jenkins.setAuthorizationStrategy(
        new MockAuthorizationStrategy()
            .grant(Jenkins.ADMINISTER)
            .everywhere()
            .to("alice", "dave")
            .grant(Jenkins.READ, hudson.model.Item.READ, hudson.model.Item.BUILD)
            .everywhere()
            .to("bob"));
    try (ACLContext context = ACL.as2(ACL.SYSTEM2)) {
      AutoglmConfiguration configuration = AutoglmConfiguration.get();
      java.util.List<RoleDefinition> roles = new java.util.ArrayList<>();
      for (RoleDefinition role : configuration.getRoles()) {
        if (role.getName().equals("admin")) {
          role.setUsers("alice, dave");
        } else if (role.getName().equals("researcher")) {
          role.setUsers("bob");
        }
        roles.add(role);
      }
      configuration.setRoles(roles);
      // production needs one approval by an admin; no staging in the test project
      EnvironmentRuleDefinition production = new EnvironmentRuleDefinition("production");
      production.setApprovals(1);
      production.setApprovers("admin");
      configuration.setEnvironments(java.util.List.of(production));
    }
  }

  /** Runs the job as if {@code user} had pressed Build. */
  static WorkflowRun runAs(JenkinsRule j, WorkflowJob job, String user, Result expected)
      throws Exception {
    WorkflowRun run =
        job.scheduleBuild2(0, new CauseAction(new Cause.UserIdCause(user))).waitForStart();
    j.waitForCompletion(run);
    return j.assertBuildStatus(expected, run);
  }
}
