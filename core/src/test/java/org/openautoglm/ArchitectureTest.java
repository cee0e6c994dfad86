package org.openautoglm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep core a plain library the Jenkins plugin and the CLI both adapt: no Jenkins
 * types, no package cycles, and no printing (core reports through return values and exceptions;
 * adapters decide where text goes).
 */
class ArchitectureTest {
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.openautoglm");
  }

  @Test
  void shouldNotDependOnJenkins() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("hudson..", "jenkins..", "org.kohsuke..", "org.jenkinsci..")
        .because("core must run without Jenkins; the plugin module adapts it")
        .check(core);
  }

  @Test
  void shouldHaveNoPackageCycles() {
    slices().matching("org.openautoglm.(**)").should().beFreeOfCycles().check(core);
  }

  @Test
  void shouldNotWriteToStandardStreams() {
    GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(core);
  }

  @Test
  void shouldImportCoreClasses() {
    // Guards the rules above against passing vacuously on an empty import.
    org.assertj.core.api.Assertions.assertThat(core.size()).isGreaterThan(20);
  }
}
