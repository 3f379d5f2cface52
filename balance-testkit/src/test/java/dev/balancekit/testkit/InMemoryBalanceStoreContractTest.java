package dev.balancekit.testkit;

import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.spi.BalanceStore;

class InMemoryBalanceStoreContractTest extends BalanceStoreContract {
    @Override
    protected BalanceStore createStore() {
        return new InMemoryBalanceStore();
    }
}
