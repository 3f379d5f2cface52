package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void maskUri_hidesThePassword_keepsTheRest() {
        assertThat(Redactor.maskUri("mongodb://admin:pw@db1:27017,db2/LibreChat?authSource=admin"))
                .isEqualTo("mongodb://admin:****@db1:27017,db2/LibreChat?authSource=admin");
        assertThat(Redactor.maskUri("mongodb+srv://u:p%40ss@cluster0.example.net/x"))
                .isEqualTo("mongodb+srv://u:****@cluster0.example.net/x");
        assertThat(Redactor.maskUri("mongodb://localhost/x")).isEqualTo("mongodb://localhost/x");
        assertThat(Redactor.maskUri("mongodb://user@localhost/x")).isEqualTo("mongodb://user@localhost/x");
    }

    @Test
    void maskUri_passwordWithUnescapedAtOrSlash_isHiddenWhole() {
        assertThat(Redactor.maskUri("mongodb://u:p@ss/w0rd@host/db")).isEqualTo("mongodb://u:****@host/db");
        assertThat(Redactor.maskUri("mongodb://u:pa?ss@host/db")).isEqualTo("mongodb://u:****@host/db");
        assertThat(Redactor.maskUri("mongodb://host/db?appName=a@b")).isEqualTo("mongodb://host/db?appName=a@b");
    }

    @Test
    void redact_removesTheKnownPassword_rawAndDecoded_andAnyConnectionStringsPassword() {
        Redactor r = Redactor.forUri("mongodb://u:p%40ssw0rd@host/db");

        assertThat(r.redact("auth failed for p%40ssw0rd and p@ssw0rd")).isEqualTo("auth failed for **** and ****");
        assertThat(r.redact("see mongodb://other:topsecret@h2/x")).isEqualTo("see mongodb://other:****@h2/x");
        assertThat(Redactor.none().redact("plain text")).isEqualTo("plain text");
    }

    @Test
    void redact_shortPasswords_areNotSearchedInFreeText() {
        Redactor r = Redactor.forUri("mongodb://u:a@host/db");

        assertThat(r.redact("a balance")).isEqualTo("a balance");
    }
}
