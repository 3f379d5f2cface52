/**
 * A Spring Boot WebFlux chat service on Spring AI's {@code ChatClient}, metered by the BalanceKit
 * starter and {@code BalanceAdvisor}, answering offline with a stand-in model.
 */
@NullMarked
package dev.balancekit.examples.springchat;

import org.jspecify.annotations.NullMarked;
