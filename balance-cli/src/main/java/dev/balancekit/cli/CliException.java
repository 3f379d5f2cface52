package dev.balancekit.cli;

/**
 * A failure a command reports to the user: the message is printed after {@code Error: } and the run
 * ends with the exit code.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A usage or validation error: exit code 1. */
    static CliException usage(String message) {
        return new CliException(Main.USAGE_ERROR, message);
    }

    /** Something named on the command line does not exist: exit code 2. */
    static CliException notFound(String message) {
        return new CliException(Main.NOT_FOUND, message);
    }

    int exitCode() {
        return exitCode;
    }
}
