/**
 * What happens when a request does not fit the balance: block (the default), allow a negative balance down to an optional floor, or answer with a free model. Hosts may plug in their own {@link dev.balancekit.policy.ShortfallPolicy}.
 */
@NullMarked
package dev.balancekit.policy;

import org.jspecify.annotations.NullMarked;
