/**
 * BalanceKit's core: the ledger, its values, the store SPI, the shortfall policies, the price
 * table and the in-memory store. The ledger engine ({@code dev.balancekit.internal}) is not
 * exported: a host reaches only what the docs describe.
 *
 * <p>Reactor Core and Micrometer are automatic modules with a stable name (their manifests'
 * {@code Automatic-Module-Name}); the API returns their types, so a host reads them through this
 * module.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.balancekit.core {
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    // nullness annotations on the API: needed to compile against it, not at run time
    requires static transitive org.jspecify;
    // optional: only a host that passes a MeterRegistry needs Micrometer, and it reads it itself
    requires static micrometer.core;

    exports dev.balancekit;
    exports dev.balancekit.spi;
    exports dev.balancekit.policy;
    exports dev.balancekit.pricing;
    exports dev.balancekit.memory;
}
