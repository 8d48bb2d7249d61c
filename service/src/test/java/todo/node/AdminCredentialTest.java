package todo.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminCredentialTest {

  @Test
  void isTheHmacThatOpensslComputesFromTheCookie() {
    // printf %s 'todo-cluster http admin' | openssl dgst -sha256 -hmac test-cookie
    assertThat(AdminCredential.of("test-cookie")).isEqualTo("2459fce6fb7ede0e0b265f46cc6816484055829916997443055e8fecf5a17b50");
    assertThat(AdminCredential.header("test-cookie")).isEqualTo("Bearer " + AdminCredential.of("test-cookie"));
  }

  @Test
  void anotherCookieGivesAnotherCredential() {
    assertThat(AdminCredential.of("monster")).isNotEqualTo(AdminCredential.of("test-cookie")).hasSize(64).matches("[0-9a-f]+");
  }

  @Test
  void admitsOnlyTheBearerOfItsOwnCookie() {
    AdminCredential door = AdminCredential.expecting("test-cookie");
    String mine = AdminCredential.of("test-cookie");

    assertThat(door.admits("Bearer " + mine)).isTrue();
    assertThat(door.admits("bearer " + mine)).as("the scheme ignores case, as HTTP has it").isTrue();
    assertThat(door.admits(null)).as("no header").isFalse();
    assertThat(door.admits("")).isFalse();
    assertThat(door.admits("Bearer " + AdminCredential.of("monster"))).as("another cookie's").isFalse();
    assertThat(door.admits("Bearer " + mine.toUpperCase())).as("not the hex the contract names").isFalse();
    assertThat(door.admits("Bearer " + mine.substring(1))).as("a prefix").isFalse();
    assertThat(door.admits("Basic " + mine)).as("another scheme").isFalse();
    assertThat(door.admits("Bearer test-cookie")).as("the cookie itself").isFalse();
  }
}
