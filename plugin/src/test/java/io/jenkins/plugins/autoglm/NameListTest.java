package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameListTest {
  @Test
  void shouldSplitOnCommasSpacesAndLineBreaksWithoutRepeats() {
    assertThat(NameList.parse(" alice, bob\ncarol  alice ,"))
        .containsExactly("alice", "bob", "carol");
    assertThat(NameList.format(NameList.parse("test-* , dev"))).isEqualTo("test-*, dev");
    assertThat(NameList.parse(null)).isEmpty();
  }
}
