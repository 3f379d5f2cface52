/** BalanceKit's test kit: the contract suite every {@code BalanceStore} passes. */
module dev.balancekit.testkit {
    requires transitive dev.balancekit.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires static org.jspecify;

    exports dev.balancekit.testkit;
}
