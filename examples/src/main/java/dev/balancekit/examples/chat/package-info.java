/**
 * A small OpenAI-style chat server that uses the ledger end to end: {@link
 * dev.balancekit.examples.chat.ChatServerExample} starts it with demo users, {@link
 * dev.balancekit.examples.chat.ChatServer} reserves before each model call, streams the answer and
 * charges the actual usage against the hold, and {@link dev.balancekit.examples.chat.FakeChatModel}
 * stands in for the model. The JDK's HTTP server serves it; Jackson reads and writes its JSON ({@code Json}).
 */
@NullMarked
package dev.balancekit.examples.chat;

import org.jspecify.annotations.NullMarked;
