package dev.balancekit.cli;

/**
 * A one-line progress count on standard error while a long listing runs, shown only when a person
 * watches a terminal ({@link Env#terminal()}); redirected and piped runs print nothing extra. The
 * line is cleared before more output is printed, so it never mixes with the listing.
 */
final class Progress {
    private final Env env;
    private final String what;
    private int shown;

    Progress(Env env, String what) {
        this.env = env;
        this.what = what;
    }

    /**
     * Shows the count so far, after a page.
     *
     * @param count the items done
     */
    void update(long count) {
        if (env.terminal()) {
            clear();
            String line = what + ": " + count + " ...";
            env.stderr().print(line);
            env.stderr().flush();
            shown = line.length();
        }
    }

    /** Clears the progress line, if one is shown. */
    void clear() {
        if (shown > 0) {
            env.stderr().print("\r" + " ".repeat(shown) + "\r");
            env.stderr().flush();
            shown = 0;
        }
    }
}
