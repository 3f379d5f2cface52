package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class CreditsPropertiesTest {

    @Property
    void parse_ofToString_isIdentity(@ForAll long micros) {
        Credits c = Credits.ofMicros(micros);
        assertThat(Credits.parse(c.toString())).isEqualTo(c);
    }

    @Property
    void parseScaled_ofFormatScaled_isIdentity(@ForAll long value, @ForAll @IntRange(min = 0, max = 18) int scale) {
        assertThat(Credits.parseScaled(Credits.formatScaled(value, scale), scale, "value")).isEqualTo(value);
    }
}
