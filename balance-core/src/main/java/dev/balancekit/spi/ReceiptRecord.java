package dev.balancekit.spi;

import dev.balancekit.Credits;
import java.util.Objects;

/**
 * A receipt as an account remembers it: enough to give a repeated request the first result. The
 * entries themselves are not copied into the account; they are read back from the account's
 * history by their sequence numbers when a repeat comes.
 *
 * @param operationId the operation's id, the prefix of its entries' ids
 * @param firstSeq the sequence number of the operation's first entry (0 when it has none)
 * @param entryCount how many entries the operation appended, with consecutive sequence numbers
 * @param balance the balance after the operation
 * @param available the available balance after the operation
 */
public record ReceiptRecord(String operationId, long firstSeq, int entryCount, Credits balance, Credits available) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the sequence numbers do not describe a range of entries
     */
    public ReceiptRecord {
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(available, "available");
        if (entryCount < 0 || (entryCount == 0 ? firstSeq != 0 : firstSeq < 1)) {
            throw new IllegalArgumentException(
                    "firstSeq and entryCount must describe entries, were " + firstSeq + " and " + entryCount);
        }
    }
}
