package dev.balancekit.yaml;

import java.util.Map;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a value with the environment's values, as
 * LibreChat config files use them. As in the shell, the default also applies when the variable is
 * set but empty. The default is taken literally up to the first {@code }}; references do not nest.
 */
final class Interpolation {

    /** A reference that cannot be resolved; the message follows the key path in a problem. */
    static final class Unresolved extends Exception {
        private static final long serialVersionUID = 1L;

        Unresolved(String message) {
            super(message, null, false, false);
        }
    }

    private Interpolation() {}

    static String apply(String text, Map<String, String> environment) throws Unresolved {
        int start = text.indexOf("${");
        if (start < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (start >= 0) {
            out.append(text, from, start);
            int end = text.indexOf('}', start + 2);
            if (end < 0) {
                throw new Unresolved("has an unterminated variable reference '" + text.substring(start) + "'");
            }
            String reference = text.substring(start + 2, end);
            int dash = reference.indexOf(":-");
            String name = dash < 0 ? reference : reference.substring(0, dash);
            if (!isName(name)) {
                throw new Unresolved("has an invalid variable reference '${" + reference
                        + "}'; a name is letters, digits and _, not starting with a digit");
            }
            String value = environment.get(name);
            if (dash >= 0 && (value == null || value.isEmpty())) {
                value = reference.substring(dash + 2);
            }
            if (value == null) {
                throw new Unresolved("refers to the environment variable " + name
                        + ", which is not set; set it or give a default: ${" + name + ":-value}");
            }
            out.append(value);
            from = end + 1;
            start = text.indexOf("${", from);
        }
        return out.append(text, from, text.length()).toString();
    }

    private static boolean isName(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
