/**
 * BalanceKit's API: the {@link dev.balancekit.BalanceLedger} entry point, exact {@link dev.balancekit.Credits}, the request and result values, and the exceptions. A host checks or reserves before a model call and charges the actual usage after it; everything else (pricing, policies, storage) plugs in below this package.
 */
@NullMarked
package dev.balancekit;

import org.jspecify.annotations.NullMarked;
