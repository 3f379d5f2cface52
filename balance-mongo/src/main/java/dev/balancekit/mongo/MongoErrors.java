package dev.balancekit.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import dev.balancekit.BalanceException;
import dev.balancekit.StoreException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.util.retry.Retry;

/**
 * How the store tells driver failures apart: always by exception type and server error code,
 * never by message text (messages change between server versions and languages).
 */
final class MongoErrors {

    /** Duplicate key: the document (or index key) is already there. */
    static final int DUPLICATE_KEY = 11000;

    /**
     * Server codes after which a command may be sent again without harm if, and only if, the
     * command itself is idempotent: the "retryable error" codes of the driver specification
     * (host unreachable or not found, network timeout, shutdown, primary stepped down, exceeded
     * time limit, socket error, not writable primary, interrupted by shutdown or a replica set
     * state change, not primary).
     */
    private static final Set<Integer> TRANSIENT_CODES =
            Set.of(6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436);

    private static final String RETRYABLE_WRITE_ERROR = "RetryableWriteError";

    /** How often an idempotent command is sent again after a transient failure. */
    static final int RETRIES = 2;

    private MongoErrors() {}

    /**
     * Tells whether a failure is a duplicate key, by its error code.
     *
     * @param e the failure
     * @return whether it is code 11000 (or another code of the driver's duplicate-key category)
     */
    static boolean isDuplicateKey(Throwable e) {
        if (e instanceof MongoWriteException w) {
            return isDuplicateKey(w.getError().getCode());
        }
        if (e instanceof MongoBulkWriteException b) {
            return b.getWriteConcernError() == null
                    && !b.getWriteErrors().isEmpty()
                    && b.getWriteErrors().stream().allMatch(err -> isDuplicateKey(err.getCode()));
        }
        return e instanceof MongoException m
                && !(e instanceof MongoWriteConcernException)
                && isDuplicateKey(m.getCode());
    }

    /**
     * Tells whether one write error of a bulk write is a duplicate key.
     *
     * @param error the write error
     * @return whether its code is a duplicate key's
     */
    static boolean isDuplicateKey(BulkWriteError error) {
        return isDuplicateKey(error.getCode());
    }

    private static boolean isDuplicateKey(int code) {
        return code == DUPLICATE_KEY || ErrorCategory.fromErrorCode(code) == ErrorCategory.DUPLICATE_KEY;
    }

    /**
     * Tells whether a failure is a timeout or a network or failover error, after which an
     * idempotent command may be sent again.
     *
     * @param e the failure
     * @return whether it is transient
     */
    static boolean isTransient(Throwable e) {
        if (e instanceof MongoSocketException
                || e instanceof MongoTimeoutException
                || e instanceof MongoNotPrimaryException
                || e instanceof MongoNodeIsRecoveringException) {
            return true;
        }
        if (e instanceof MongoException m) {
            return m.hasErrorLabel(RETRYABLE_WRITE_ERROR) || TRANSIENT_CODES.contains(m.getCode());
        }
        return false;
    }

    /**
     * The retry for commands that are idempotent by construction (reads, copying entries by id,
     * removing copied entries): at most {@value #RETRIES} more attempts with a short jittered
     * backoff, after a transient failure only; the last failure is passed on as it is.
     *
     * @return the retry spec
     */
    static Retry idempotentRetry() {
        return Retry.backoff(RETRIES, Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(200))
                .filter(MongoErrors::isTransient)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }

    /**
     * Wraps a failure in a {@link StoreException} naming what failed, unless it is already one of
     * the library's exceptions.
     *
     * @param what what failed, lower-case, e.g. {@code "load of account 'u1'"}
     * @return the mapping function for {@code onErrorMap}
     */
    static Function<Throwable, Throwable> toStoreException(String what) {
        return e -> e instanceof BalanceException ? e : new StoreException(what + " failed: " + describe(e), e);
    }

    private static String describe(Throwable e) {
        String code = e instanceof MongoException m && m.getCode() > 0 ? " (code " + m.getCode() + ")" : "";
        return e.getClass().getSimpleName() + code;
    }

    /**
     * Quotes a user id for a message, cut short so that a huge id cannot flood a log.
     *
     * @param user the user id
     * @return the quoted, possibly shortened id
     */
    static String quote(@Nullable String user) {
        if (user == null) {
            return "null";
        }
        return user.length() <= 64
                ? "'" + user + "'"
                : "'" + user.substring(0, 64) + "...' (" + user.length() + " chars)";
    }
}
