package dev.balancekit.mongo;

/**
 * The contract suite against an in-process server with a copy batch of one entry, so every write
 * copies its entries at once and history is read mostly from the transactions collection.
 */
class MongoBalanceStoreEagerCopyContractTest extends MongoBalanceStoreContractTest {

    @Override
    protected MongoBalanceStore.Builder configure(MongoBalanceStore.Builder builder) {
        return builder.copyBatchSize(1);
    }
}
