package dev.balancekit.cli;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the password of a MongoDB connection string out of everything the command line prints:
 * the connection string is shown with {@code ****} for its password, and any message (a driver's
 * error, say) has every occurrence of the password replaced.
 */
final class Redactor {
    static final String MASK = "****";

    /** {@code scheme://user:password@} anywhere in a text, for connection strings other than the known one. */
    private static final Pattern USER_INFO = Pattern.compile("(mongodb(?:\\+srv)?://[^:/@\\s]*:)[^@\\s]*@");

    /** Passwords shorter than this are not searched for in free text, which would mask stray letters. */
    private static final int MIN_SECRET = 4;

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    /** A redactor that knows no secret; it still masks connection strings it finds in text. */
    static Redactor none() {
        return new Redactor(List.of());
    }

    /**
     * A redactor for one connection string.
     *
     * @param uri the connection string as given
     * @return the redactor, knowing its password in the raw and the decoded form
     */
    static Redactor forUri(String uri) {
        List<String> secrets = new ArrayList<>(2);
        String raw = rawPassword(uri);
        if (raw != null && !raw.isEmpty()) {
            secrets.add(raw);
            try {
                String decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
                if (!decoded.equals(raw)) {
                    secrets.add(decoded);
                }
            } catch (IllegalArgumentException e) {
                // not valid percent-encoding: the raw text is all there is to hide
            }
        }
        return new Redactor(secrets);
    }

    /**
     * Masks the password of a connection string.
     *
     * @param uri the connection string
     * @return the same with the password replaced by {@value #MASK}
     */
    static String maskUri(String uri) {
        String raw = rawPassword(uri);
        if (raw == null) {
            return uri;
        }
        int start = uri.indexOf("://") + 3;
        int colon = uri.indexOf(':', start);
        return uri.substring(0, colon + 1) + MASK + uri.substring(colon + 1 + raw.length());
    }

    /**
     * Masks every connection-string password and every known secret in a text.
     *
     * @param text a message about to be printed
     * @return the text without secrets
     */
    String redact(String text) {
        String out = text;
        for (String secret : secrets) {
            if (secret.length() >= MIN_SECRET) {
                out = out.replace(secret, MASK);
            }
        }
        Matcher m = USER_INFO.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + MASK + "@"));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * Finds the password in a connection string: what stands between the first {@code :} after the
     * scheme and the last {@code @} of the authority. A password with an unescaped {@code @},
     * {@code /} or {@code ?} (which the driver refuses) is still found whole.
     */
    private static @Nullable String rawPassword(String uri) {
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int start = scheme + 3;
        int query = uri.indexOf('?', start);
        int end = query < 0 ? uri.length() : query;
        int at = uri.lastIndexOf('@', end - 1);
        if (at < start) {
            // a '?' in the password would end the authority early; masking too much is the safe side
            at = uri.lastIndexOf('@');
            if (at < start) {
                return null;
            }
        }
        int colon = uri.indexOf(':', start);
        if (colon < 0 || colon > at) {
            return null;
        }
        return uri.substring(colon + 1, at);
    }
}
