package dev.balancekit.langchain4j;

import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRefusedException;
import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Meters LangChain4j model calls against a {@link BalanceLedger}: wraps the application's
 * {@link ChatModel} and {@link StreamingChatModel} so that every call reserves first and is charged
 * after. (A {@code ChatModelListener} cannot refuse a call before it is made, so this wraps.)
 *
 * <pre>{@code
 * BalanceMetering metering = BalanceMetering.builder(ledger).build();
 * ChatModel model = metering.wrap(openAiChatModel);
 * ChatResponse answer = model.chat(ChatRequest.builder().messages(UserMessage.from("Hello")).maxOutputTokens(500).build(),
 *         ChatRequestOptions.builder().addListenerAttribute(BalanceMetering.USER, userId).build());
 * }</pre>
 *
 * <ul>
 *   <li>Before the call: reserve the prompt's tokens (the {@link TokenCountEstimator}) plus the
 *       request's {@code maxOutputTokens} (else {@link Builder#defaultMaxTokens(long)}). A refusal
 *       is a {@link BalanceRefusedException} carrying the decision: thrown by
 *       {@link MeteredChatModel}, handed to the handler's {@code onError} by
 *       {@link MeteredStreamingChatModel}; the model is not called. On a free-model fallback the
 *       request's model name is switched to the free model.
 *   <li>After the call: charge the usage the provider reported (the {@link UsageMapper}) against the
 *       hold, which frees the rest.
 *   <li>A stream is charged when it completes; when the application cancels it through the
 *       {@code StreamingHandle} of a partial response, it is charged for the tokens streamed so far
 *       with context {@code incomplete}.
 *   <li>A call that fails releases its hold.
 * </ul>
 *
 * <p>The user comes from the {@link #USER} listener attribute of the call's
 * {@link ChatRequestOptions}, else from the {@link UserResolver} (an AI service passes no options);
 * the conversation id from the {@link #CONVERSATION_ID} attribute, else from the conversation-id
 * resolver.
 */
public final class BalanceMetering {

    /** The {@code ChatRequestOptions} listener attribute holding the user id. */
    public static final String USER = "balancekit.user";
    /** The {@code ChatRequestOptions} listener attribute holding the conversation id. */
    public static final String CONVERSATION_ID = "balancekit.conversationId";

    final BalanceLedger ledger;
    final BlockingBalanceLedger blocking;
    final TokenCountEstimator estimator;
    final UsageMapper usageMapper;
    private final UserResolver userResolver;
    private final java.util.function.Function<ChatRequest, @Nullable String> conversationResolver;
    private final @Nullable String defaultModel;
    private final long defaultMaxTokens;
    final Clock clock;

    private BalanceMetering(Builder b) {
        this.ledger = b.ledger;
        this.blocking = b.ledger.blocking();
        this.estimator = b.estimator;
        this.usageMapper = b.usageMapper;
        this.userResolver = b.userResolver;
        this.conversationResolver = b.conversationResolver;
        this.defaultModel = b.defaultModel;
        this.defaultMaxTokens = b.defaultMaxTokens;
        this.clock = b.clock;
    }

    /**
     * Starts building.
     *
     * @param ledger the ledger that meters the calls
     * @return the builder
     */
    public static Builder builder(BalanceLedger ledger) {
        return new Builder(ledger);
    }

    /**
     * Wraps a chat model.
     *
     * @param model the application's model
     * @return a model that meters every call and otherwise behaves as {@code model}
     */
    public MeteredChatModel wrap(ChatModel model) {
        return new MeteredChatModel(Objects.requireNonNull(model, "model"), this);
    }

    /**
     * Wraps a streaming chat model.
     *
     * @param model the application's model
     * @return a model that meters every call and otherwise behaves as {@code model}
     */
    public MeteredStreamingChatModel wrap(StreamingChatModel model) {
        return new MeteredStreamingChatModel(Objects.requireNonNull(model, "model"), this);
    }

    /** What one request is: who, which model, how many tokens. */
    record Call(
            String user,
            String model,
            long promptTokens,
            long maxTokens,
            @Nullable String conversationId) {

        BalanceRequest balanceRequest() {
            return BalanceRequest.of(user, model, promptTokens, maxTokens);
        }

        ChargeRequest charge(String usedModel, Usage usage, String context, String holdId) {
            return ChargeRequest.of(user, usedModel, usage)
                    .withContext(context)
                    .withConversationId(conversationId)
                    .withHold(holdId);
        }
    }

    Call prepare(ChatRequest request, @Nullable ChatRequestOptions options, ChatRequestParameters defaults) {
        Object attribute = options == null ? null : options.listenerAttributes().get(USER);
        String user = attribute != null ? attribute.toString() : userResolver.resolve(request);
        if (user == null || user.isBlank()) {
            throw new IllegalStateException("no user for the metered model: pass ChatRequestOptions with the listener "
                    + "attribute BalanceMetering.USER, or give the metering a UserResolver");
        }
        String model = request.modelName() != null
                ? request.modelName()
                : defaults != null && defaults.modelName() != null ? defaults.modelName() : defaultModel;
        if (model == null) {
            throw new IllegalStateException("the request names no model and the model has no default one: "
                    + "set ChatRequest.modelName or BalanceMetering.builder(ledger).defaultModel(...)");
        }
        Integer max = request.maxOutputTokens() != null
                ? request.maxOutputTokens()
                : defaults != null ? defaults.maxOutputTokens() : null;
        Object conversation =
                options == null ? null : options.listenerAttributes().get(CONVERSATION_ID);
        String conversationId = conversation != null ? conversation.toString() : conversationResolver.apply(request);
        return new Call(
                user,
                model,
                estimator.estimateTokenCountInMessages(request.messages()),
                max != null ? max : defaultMaxTokens,
                conversationId);
    }

    /** Reserves; a denial becomes the exception the wrappers hand on. */
    Reservation reserve(Call call) {
        Reservation r = blocking.reserve(call.balanceRequest());
        if (!r.isAllowed()) {
            throw new BalanceRefusedException(call.user(), r.decision());
        }
        return r;
    }

    /** The request on the model the decision names (the free model on a fallback). */
    static ChatRequest forModel(ChatRequest request, String decided) {
        return decided.equals(request.modelName())
                ? request
                : request.toBuilder().modelName(decided).build();
    }

    /** The usage the provider reported, else the estimated prompt and the counted answer. */
    Usage usageOf(dev.langchain4j.model.chat.response.ChatResponse response, Call call) {
        Usage u = usageMapper.map(response);
        if (u != null) {
            return u;
        }
        String text = response.aiMessage() == null ? null : response.aiMessage().text();
        return Usage.of(call.promptTokens(), estimator.estimateTokenCountInText(text == null ? "" : text));
    }

    /** Releases a failed call's hold; a release that fails leaves the hold to expire. */
    void release(Call call, String holdId) {
        try {
            blocking.release(call.user(), holdId);
        } catch (RuntimeException e) {
            System.getLogger(BalanceMetering.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "releasing hold " + holdId + " of " + call.user() + " failed; it expires on its own",
                            e);
        }
    }

    /** Builds a {@link BalanceMetering}; every setter checks its value at once. */
    public static final class Builder {
        private final BalanceLedger ledger;
        private TokenCountEstimator estimator = new ApproximateTokenCountEstimator();
        private UsageMapper usageMapper = UsageMapper.INPUT_OUTPUT;
        private UserResolver userResolver = request -> null;
        private java.util.function.Function<ChatRequest, @Nullable String> conversationResolver = request -> null;
        private @Nullable String defaultModel;
        private long defaultMaxTokens = 1024;
        private Clock clock = Clock.systemUTC();

        private Builder(BalanceLedger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        /**
         * Sets how prompts (and, without reported usage, answers) are counted.
         *
         * @param estimator the estimator; by default four characters a token plus four a message
         * @return this builder
         */
        public Builder tokenCountEstimator(TokenCountEstimator estimator) {
            this.estimator = Objects.requireNonNull(estimator, "tokenCountEstimator");
            return this;
        }

        /**
         * Sets how the provider's reported usage is read, for example to take cache tokens from a
         * provider's {@code TokenUsage} subclass.
         *
         * @param mapper the mapper; {@link UsageMapper#INPUT_OUTPUT} by default
         * @return this builder
         */
        public Builder usageMapper(UsageMapper mapper) {
            this.usageMapper = Objects.requireNonNull(mapper, "usageMapper");
            return this;
        }

        /**
         * Sets where the user comes from when a call has no {@link BalanceMetering#USER} attribute.
         *
         * @param resolver the resolver; by default there is none, and such a call fails
         * @return this builder
         */
        public Builder userResolver(UserResolver resolver) {
            this.userResolver = Objects.requireNonNull(resolver, "userResolver");
            return this;
        }

        /**
         * Sets where the conversation id comes from when a call has no
         * {@link BalanceMetering#CONVERSATION_ID} attribute.
         *
         * @param resolver returns the id, or null for none
         * @return this builder
         */
        public Builder conversationIdResolver(java.util.function.Function<ChatRequest, @Nullable String> resolver) {
            this.conversationResolver = Objects.requireNonNull(resolver, "conversationIdResolver");
            return this;
        }

        /**
         * Sets the model of requests that name none when the wrapped model has no default either.
         *
         * @param model the model name
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder defaultModel(String model) {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException(
                        "defaultModel must not be blank, was " + (model == null ? "null" : "'" + model + "'"));
            }
            this.defaultModel = model;
            return this;
        }

        /**
         * Sets the output budget reserved for requests that set no {@code maxOutputTokens}.
         *
         * @param maxTokens 1 to {@link Usage#MAX_TOKENS}; 1024 by default
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder defaultMaxTokens(long maxTokens) {
            if (maxTokens < 1 || maxTokens > Usage.MAX_TOKENS) {
                throw new IllegalArgumentException(
                        "defaultMaxTokens must be between 1 and " + Usage.MAX_TOKENS + ", was " + maxTokens);
            }
            this.defaultMaxTokens = maxTokens;
            return this;
        }

        /**
         * Sets the clock that decides when a long stream's hold is extended; give it the ledger's.
         *
         * @param clock the clock; the system UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the metering */
        public BalanceMetering build() {
            return new BalanceMetering(this);
        }
    }
}
