package dev.balancekit.langchain4j;

import dev.balancekit.EntryContext;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link StreamingChatModel} that meters every call of the model it wraps
 * ({@link BalanceMetering}). A refusal reaches the handler's {@code onError} as a
 * {@link dev.balancekit.BalanceRefusedException} and the model is not called. The stream is charged
 * its reported usage when it completes; when the application cancels it through the
 * {@link StreamingHandle} of a partial response it is charged for the tokens streamed so far with
 * context {@code incomplete}; an error releases the hold. A long stream's hold is extended while it
 * runs.
 */
public final class MeteredStreamingChatModel implements StreamingChatModel {

    private static final System.Logger LOG = System.getLogger(MeteredStreamingChatModel.class.getName());

    private final StreamingChatModel delegate;
    private final BalanceMetering metering;

    MeteredStreamingChatModel(StreamingChatModel delegate, BalanceMetering metering) {
        this.delegate = delegate;
        this.metering = metering;
    }

    @Override
    public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
        chat(request, ChatRequestOptions.EMPTY, handler);
    }

    @Override
    public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
        Objects.requireNonNull(handler, "handler");
        BalanceMetering.Call call;
        Reservation r;
        try {
            call = metering.prepare(request, options, delegate.defaultRequestParameters());
            r = metering.reserve(call);
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        Stream s = new Stream(call, r.decision().model(), Objects.requireNonNull(r.holdId()));
        try {
            delegate.chat(BalanceMetering.forModel(request, s.model), options, new MeteringHandler(handler, s));
        } catch (RuntimeException | Error e) {
            if (s.claim()) {
                metering.release(call, s.holdId);
            }
            throw e;
        }
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

    /** A running stream: what it has sent, and which of complete, cancel and error settles the hold. */
    private final class Stream {
        final BalanceMetering.Call call;
        final String model;
        final String holdId;
        private final AtomicBoolean settled = new AtomicBoolean();
        private final StringBuilder text = new StringBuilder();
        private Instant holdRenewedAt;

        Stream(BalanceMetering.Call call, String model, String holdId) {
            this.call = call;
            this.model = model;
            this.holdId = holdId;
            this.holdRenewedAt = metering.clock.instant();
        }

        boolean claim() {
            return settled.compareAndSet(false, true);
        }

        synchronized void observe(String token) {
            text.append(token);
            Instant now = metering.clock.instant();
            if (Duration.between(holdRenewedAt, now)
                            .compareTo(metering.ledger.config().holdTtl().dividedBy(2))
                    >= 0) {
                holdRenewedAt = now;
                metering.ledger
                        .extendHold(call.user(), holdId)
                        .subscribe(
                                h -> {},
                                e -> LOG.log(
                                        System.Logger.Level.WARNING,
                                        "hold " + holdId + " of " + call.user() + " could not be extended",
                                        e));
            }
        }

        synchronized long sent() {
            return metering.estimator.estimateTokenCountInText(text.toString());
        }

        void cancelled() {
            if (!claim()) {
                return;
            }
            // the cancel may come from inside a callback of the provider's thread: charge without blocking it
            metering.ledger
                    .deduct(call.charge(model, Usage.of(call.promptTokens(), sent()), EntryContext.INCOMPLETE, holdId))
                    .subscribe(
                            receipt -> {},
                            e -> LOG.log(
                                    System.Logger.Level.WARNING,
                                    "charging the cancelled stream of " + call.user() + " failed; its hold " + holdId
                                            + " expires on its own",
                                    e));
        }
    }

    /** Passes every callback on, counting what is streamed and settling the hold once. */
    private final class MeteringHandler implements StreamingChatResponseHandler {
        private final StreamingChatResponseHandler downstream;
        private final Stream s;

        MeteringHandler(StreamingChatResponseHandler downstream, Stream s) {
            this.downstream = downstream;
            this.s = s;
        }

        @Override
        public void onPartialResponse(String partialResponse) {
            s.observe(partialResponse);
            downstream.onPartialResponse(partialResponse);
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            s.observe(partialResponse.text());
            downstream.onPartialResponse(
                    partialResponse, new PartialResponseContext(handle(context.streamingHandle())));
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
            downstream.onPartialThinking(partialThinking);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
            downstream.onPartialThinking(
                    partialThinking, new PartialThinkingContext(handle(context.streamingHandle())));
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall) {
            downstream.onPartialToolCall(partialToolCall);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
            downstream.onPartialToolCall(
                    partialToolCall, new PartialToolCallContext(handle(context.streamingHandle())));
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            downstream.onCompleteToolCall(completeToolCall);
        }

        @Override
        public void onUnmappedRawEvent(Object rawEvent) {
            downstream.onUnmappedRawEvent(rawEvent);
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            if (s.claim()) {
                try {
                    metering.blocking.deduct(
                            s.call.charge(s.model, metering.usageOf(response, s.call), EntryContext.MESSAGE, s.holdId));
                } catch (RuntimeException e) {
                    downstream.onError(e);
                    return;
                }
            }
            downstream.onCompleteResponse(response);
        }

        @Override
        public void onError(Throwable error) {
            if (s.claim()) {
                metering.release(s.call, s.holdId);
            }
            downstream.onError(error);
        }

        private StreamingHandle handle(StreamingHandle inner) {
            return new StreamingHandle() {
                @Override
                public void cancel() {
                    inner.cancel();
                    s.cancelled();
                }

                @Override
                public boolean isCancelled() {
                    return inner.isCancelled();
                }
            };
        }
    }
}
