/**
 * Balance metering for Spring AI: {@link dev.balancekit.springai.BalanceAdvisor}, a
 * {@code ChatClient} advisor that reserves before the model call and charges the usage the
 * provider reports, for calls and for streams.
 */
@NullMarked
package dev.balancekit.springai;

import org.jspecify.annotations.NullMarked;
