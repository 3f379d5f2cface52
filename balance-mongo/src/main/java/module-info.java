/** BalanceKit's MongoDB store and user directory, on the reactive driver. */
module dev.balancekit.mongo {
    requires transitive dev.balancekit.core;
    requires transitive org.mongodb.driver.reactivestreams;
    requires transitive org.mongodb.driver.core;
    requires transitive org.mongodb.bson;
    requires static org.jspecify;

    exports dev.balancekit.mongo;
}
