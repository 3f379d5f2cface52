/** BalanceKit's test kit: the contract suite every {@code BalanceStore} passes. */
module dev.balancekit.testkit {
    requires transitive dev.balancekit.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports dev.balancekit.testkit;
    // JUnit runs the suite's test methods reflectively, from the backend's test class
    opens dev.balancekit.testkit;
}
