package dev.balancekit.internal;

import java.util.Locale;

/**
 * Hold ids: {@code <seq>-<check>}, the account's hold sequence number and six base-36 digits of a
 * hash of the user id and that number. The number answers "was this hold closed?" without a list
 * of closed holds: a hold id at or below the account's last hold number that is not active is
 * closed. The check digits make another account's hold id (or a made-up one) unknown here instead
 * of closed.
 */
final class HoldIds {
    private static final long CHECK_RANGE = 36L * 36 * 36 * 36 * 36 * 36;

    private HoldIds() {}

    /**
     * The id of an account's hold with the given number.
     *
     * @param user the user id
     * @param seq the hold's number, 1 or more
     * @return the id
     */
    static String of(String user, long seq) {
        return seq + "-" + check(user, seq);
    }

    /**
     * The number in a hold id of this account.
     *
     * @param user the user id
     * @param holdId a hold id
     * @return its number, or -1 when it is not an id this account's holds have
     */
    static long seqOf(String user, String holdId) {
        int dash = holdId.indexOf('-');
        if (dash < 1 || dash > 18 || holdId.length() != dash + 7) {
            return -1;
        }
        long seq = 0;
        for (int i = 0; i < dash; i++) {
            char c = holdId.charAt(i);
            if (c < '0' || c > '9' || (i == 0 && c == '0')) {
                return -1;
            }
            seq = seq * 10 + (c - '0');
        }
        return holdId.regionMatches(dash + 1, check(user, seq), 0, 6) ? seq : -1;
    }

    private static String check(String user, long seq) {
        long h = RecentKeys.hash(user + '\u0000' + seq);
        String digits =
                Long.toString(Long.remainderUnsigned(h, CHECK_RANGE), 36).toLowerCase(Locale.ROOT);
        return "000000".substring(digits.length()) + digits;
    }
}
