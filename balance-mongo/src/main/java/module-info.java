/**
 * BalanceKit's MongoDB store and user directory, on the reactive driver. The driver's jars are
 * automatic modules with a stable name (their manifests' {@code Automatic-Module-Name}); the API
 * takes the driver's database type, so a host reads the driver through this module.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.balancekit.mongo {
    requires transitive dev.balancekit.core;
    requires transitive org.mongodb.driver.reactivestreams;
    requires transitive org.mongodb.driver.core;
    requires transitive org.mongodb.bson;

    exports dev.balancekit.mongo;
}
