package dev.balancekit.langchain4j;

import dev.balancekit.EntryContext;
import dev.balancekit.Reservation;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link ChatModel} that meters every call of the model it wraps ({@link BalanceMetering}): it
 * reserves, calls the model (the free model on a fallback), and charges the reported usage; a
 * refusal throws {@link dev.balancekit.BalanceRefusedException}; a failed call releases its hold.
 * The wrapped model's listeners run as before.
 */
public final class MeteredChatModel implements ChatModel {

    private final ChatModel delegate;
    private final BalanceMetering metering;

    MeteredChatModel(ChatModel delegate, BalanceMetering metering) {
        this.delegate = delegate;
        this.metering = metering;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return chat(request, ChatRequestOptions.EMPTY);
    }

    @Override
    public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
        BalanceMetering.Call call = metering.prepare(request, options, delegate.defaultRequestParameters());
        Reservation r = metering.reserve(call);
        String model = r.decision().model();
        String holdId = Objects.requireNonNull(r.holdId());
        ChatResponse response;
        try {
            response = delegate.chat(BalanceMetering.forModel(request, model), options);
        } catch (RuntimeException | Error e) {
            metering.release(call, holdId);
            throw e;
        }
        metering.blocking.deduct(call.charge(model, metering.usageOf(response, call), EntryContext.MESSAGE, holdId));
        return response;
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    /** @return no listeners of its own: the wrapped model notifies its listeners of each call */
    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }
}
