/**
 * Who may do what, and what a promotion needs: roles, their members, and environment rules.
 *
 * <p>The operator writes a policy file (for example {@code autoglm-policy.yaml}; never one from a
 * project repository, where anyone who can push could make themselves admin):
 *
 * <pre>{@code
 * apiVersion: autoglm/v1            # optional
 * roles:                            # left out: admin, researcher, guest as below
 *   admin:      {read: true, train: true, promote: ["*"], rollback: ["*"], approve: ["*"]}
 *   researcher: {read: true, train: true, promote: [test, test-*, dev], rollback: [test, test-*, dev]}
 *   guest:      {read: true}
 * members:                          # left out: nobody holds a role
 *   admin: {users: [alice], groups: [ml-platform]}
 *   researcher: {users: [bob, carol], groups: [researchers]}
 *   guest: {groups: [authenticated]}
 * environments:                     # left out: test, staging and production as below
 *   test: {}
 *   staging: {requires: [test]}
 *   production: {requires: [staging], approvals: 1, approvers: [admin], approvalExpiry: 24h}
 * }</pre>
 *
 * <p>Rights left out of a role are not granted; environment patterns are globs ({@code *} any
 * characters, {@code ?} one). An environment rule has {@code requires} (environments the snapshot
 * must be verified in first; each must itself be listed), {@code approvals} (distinct approvals
 * needed, default 0), {@code approvers} (roles whose approvals count; default every role that may
 * approve the environment), {@code approvalExpiry} ({@code 24h}, {@code 7d}, {@code 1h30m}; default
 * never) and {@code allowSelfApproval} (default false). An environment that is not listed has no
 * gates beyond the promote right. Rollback is gated by the rollback right only: it returns an
 * environment to a snapshot already verified there.
 *
 * <p>{@link org.openautoglm.policy.PolicyLoader} reads and checks the file; {@link
 * org.openautoglm.policy.Policy} answers {@code decide}, {@code checkPromotion}, {@code
 * checkApproval} and {@code whoCan}, each with a reason a person can read. This package depends on
 * nothing in Open-AutoGLM but {@code config} (for loading).
 */
package org.openautoglm.policy;
