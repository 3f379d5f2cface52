package dev.balancekit;

import static dev.balancekit.property.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.property.Gen;
import org.junit.jupiter.api.Test;

class CreditsPropertiesTest {

    private record Scaled(long value, int scale) {}

    @Test
    void parse_ofToString_isIdentity() {
        forAll(Gen.longs(), micros -> {
            Credits c = Credits.ofMicros(micros);
            assertThat(Credits.parse(c.toString())).isEqualTo(c);
        });
    }

    @Test
    void parseScaled_ofFormatScaled_isIdentity() {
        Gen<Long> values = Gen.longs();
        Gen<Integer> scales = Gen.ints(0, 18);
        Gen<Scaled> cases = r -> new Scaled(values.next(r), scales.next(r));
        forAll(
                cases,
                c -> assertThat(Credits.parseScaled(Credits.formatScaled(c.value(), c.scale()), c.scale(), "value"))
                        .isEqualTo(c.value()));
    }
}
