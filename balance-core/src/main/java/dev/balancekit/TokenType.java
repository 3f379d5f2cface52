package dev.balancekit;

/** What a ledger entry counts, named as LibreChat's transactions name it. */
public enum TokenType {
    /** Prompt (input) tokens, including cache writes and reads. */
    PROMPT("prompt"),
    /** Completion (output) tokens. */
    COMPLETION("completion"),
    /** Credits moved without tokens: start balance, admin top-ups, adjustments, refills. */
    CREDITS("credits");

    private final String wireName;

    TokenType(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name stored in a transaction document ({@code prompt}, {@code completion}, {@code credits}) */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the token type with the given stored name.
     *
     * @param wireName {@code prompt}, {@code completion} or {@code credits}
     * @return the token type
     * @throws IllegalArgumentException if the name is none of these
     */
    public static TokenType fromWireName(String wireName) {
        for (TokenType t : values()) {
            if (t.wireName.equals(wireName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("tokenType must be prompt, completion or credits, was '" + wireName + "'");
    }
}
