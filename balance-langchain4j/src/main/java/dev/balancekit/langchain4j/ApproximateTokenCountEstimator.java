package dev.balancekit.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;

/**
 * The default estimator: one token per four characters, rounded up, plus four tokens a message. It
 * only sizes the hold; the charge uses the usage the provider reports. Give the wrappers a
 * provider's own estimator for closer holds.
 */
final class ApproximateTokenCountEstimator implements TokenCountEstimator {

    @Override
    public int estimateTokenCountInText(String text) {
        return text == null ? 0 : (text.length() + 3) / 4;
    }

    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
        return 4 + estimateTokenCountInText(textOf(message));
    }

    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
        int n = 0;
        for (ChatMessage m : messages) {
            n = Math.addExact(n, estimateTokenCountInMessage(m));
        }
        return n;
    }

    static String textOf(ChatMessage message) {
        if (message instanceof UserMessage u) {
            return u.hasSingleText() ? u.singleText() : String.valueOf(u.contents());
        }
        if (message instanceof SystemMessage s) {
            return s.text();
        }
        if (message instanceof AiMessage a) {
            return a.text() == null ? "" : a.text();
        }
        if (message instanceof ToolExecutionResultMessage t) {
            return t.text();
        }
        return String.valueOf(message);
    }
}
