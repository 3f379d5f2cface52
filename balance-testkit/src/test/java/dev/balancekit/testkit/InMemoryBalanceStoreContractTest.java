package dev.balancekit.testkit;

import dev.balancekit.spi.BalanceStore;
import dev.balancekit.memory.InMemoryBalanceStore;

class InMemoryBalanceStoreContractTest extends BalanceStoreContract {
    @Override
    protected BalanceStore createStore() {
        return new InMemoryBalanceStore();
    }
}
