/**
 * Balance metering for LangChain4j: {@link dev.balancekit.langchain4j.MeteredChatModel} and
 * {@link dev.balancekit.langchain4j.MeteredStreamingChatModel} wrap the application's model, reserve
 * before every call and charge the usage the provider reports.
 */
@NullMarked
package dev.balancekit.langchain4j;

import org.jspecify.annotations.NullMarked;
