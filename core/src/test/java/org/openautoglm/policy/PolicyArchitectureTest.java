package org.openautoglm.policy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps policy a leaf: decisions take plain values, so nothing here may reach into the registry,
 * training or deployment; only {@code config} is used, to load the policy file.
 */
class PolicyArchitectureTest {

  @Test
  void shouldDependOnNothingButConfigAndLibraries() {
    JavaClasses policy =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.openautoglm.policy");

    classes()
        .that()
        .resideInAPackage("org.openautoglm.policy..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "org.openautoglm.policy..",
            "org.openautoglm.config..",
            "java..",
            "com.fasterxml.jackson..")
        .check(policy);
  }
}
