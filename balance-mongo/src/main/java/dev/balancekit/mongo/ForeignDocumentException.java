package dev.balancekit.mongo;

import dev.balancekit.BalanceException;
import org.bson.BsonValue;

/**
 * A collection the store was given holds a document the store did not write, such as LibreChat's
 * own {@code balances} or {@code transactions}: the store refuses to write into it. Name
 * collections of BalanceKit's own ({@link MongoBalanceStore.Builder#balancesCollection(String)},
 * {@link MongoBalanceStore.Builder#transactionsCollection(String)}).
 */
public final class ForeignDocumentException extends BalanceException {
    private static final long serialVersionUID = 1L;

    private final String collection;
    private final String documentId;

    ForeignDocumentException(String collection, BsonValue id) {
        super("collection '" + collection + "' holds documents BalanceKit did not write, such as _id " + describe(id)
                + "; BalanceKit writes nothing into another application's collection: give it collections of its own"
                + " (the defaults are " + MongoBalanceStore.DEFAULT_BALANCES_COLLECTION + " and "
                + MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION + ")");
        this.collection = collection;
        this.documentId = describe(id);
    }

    /**
     * The collection that holds the foreign document.
     *
     * @return its name
     */
    public String collection() {
        return collection;
    }

    /**
     * The id of one foreign document, as text: {@code ObjectId('...')}, a quoted string, or its
     * BSON text.
     *
     * @return the id
     */
    public String documentId() {
        return documentId;
    }

    private static String describe(BsonValue id) {
        if (id.isObjectId()) {
            return "ObjectId('" + id.asObjectId().getValue().toHexString() + "')";
        }
        if (id.isString()) {
            return "'" + id.asString().getValue() + "'";
        }
        return String.valueOf(id);
    }
}
