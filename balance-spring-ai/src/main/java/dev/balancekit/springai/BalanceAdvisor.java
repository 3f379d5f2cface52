package dev.balancekit.springai;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRefusedException;
import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.EntryContext;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tokenizer.JTokkitTokenCountEstimator;
import org.springframework.ai.tokenizer.TokenCountEstimator;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@code ChatClient} advisor that meters every model call against a {@link BalanceLedger}, for
 * calls and for streams.
 *
 * <pre>{@code
 * BalanceAdvisor balance = BalanceAdvisor.builder(ledger).build();
 * ChatClient chat = ChatClient.builder(chatModel).defaultAdvisors(balance).build();
 * String answer = chat.prompt().user("Hello")
 *         .options(ChatOptions.builder().model("gpt-4o").maxTokens(500))
 *         .advisors(a -> a.param(BalanceAdvisor.USER, userId))
 *         .call().content();
 * }</pre>
 *
 * <ol>
 *   <li><b>Before the call</b> it reserves the prompt's tokens (counted with the
 *       {@link TokenCountEstimator}, JTokkit's by default) plus the request's maximum output tokens
 *       ({@code ChatOptions.maxTokens}, else {@link Builder#defaultMaxTokens(long)}). A refusal throws
 *       {@link BalanceRefusedException} carrying the decision, and the model is not called; the
 *       starter answers it with HTTP 402. On a free-model fallback the request's model is switched
 *       to the free model.
 *   <li><b>After the call</b> it charges the usage the provider reported (prompt, completion, and
 *       cache-read and cache-write tokens where the response has them) against the hold, which frees
 *       the rest. A response without usage is charged the estimated prompt and the counted answer.
 *   <li><b>A stream</b> is charged from the usage of its last chunk that reports one when it
 *       completes. When the subscriber cancels (a client that leaves), it is charged for the tokens
 *       streamed so far with context {@code incomplete}. A hold is extended while a long stream runs.
 *   <li><b>A failed call</b> (the model throws, or the stream errors) releases the hold: nothing is
 *       charged.
 * </ol>
 *
 * <p>The user comes from the {@link #USER} advisor parameter, else from the {@link UserResolver};
 * the conversation id from {@link #CONVERSATION_ID} or Spring AI's {@code ChatMemory.CONVERSATION_ID}
 * parameter, and is recorded on the ledger entries. The response context carries the decision under
 * {@link #DECISION} and, for a call, the receipt under {@link #RECEIPT}.
 *
 * <p>The advisor runs close to the model by default ({@link #DEFAULT_ORDER}), after advisors that
 * add to the prompt (chat memory, retrieval), so the prompt it counts is the one sent. One advisor
 * serves any number of threads.
 */
public final class BalanceAdvisor implements CallAdvisor, StreamAdvisor {

    /** The advisor parameter holding the user id. */
    public static final String USER = "balancekit.user";
    /** The advisor parameter holding the conversation id recorded on the ledger entries. */
    public static final String CONVERSATION_ID = "balancekit.conversationId";
    /** The response context key of the {@link BalanceDecision} (the model used is its {@code model()}). */
    public static final String DECISION = "balancekit.decision";
    /** The response context key of the charge's {@link Receipt} (calls only; a stream is charged at its end). */
    public static final String RECEIPT = "balancekit.receipt";
    /** The default order: late, just before the model, after advisors that add to the prompt. */
    public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

    private static final System.Logger LOG = System.getLogger(BalanceAdvisor.class.getName());

    private final BalanceLedger ledger;
    private final BlockingBalanceLedger blocking;
    private final TokenCountEstimator estimator;
    private final UserResolver userResolver;
    private final @Nullable String defaultModel;
    private final long defaultMaxTokens;
    private final int order;
    private final Clock clock;

    private BalanceAdvisor(Builder b) {
        this.ledger = b.ledger;
        this.blocking = b.ledger.blocking();
        this.estimator = b.estimator != null ? b.estimator : new JTokkitTokenCountEstimator();
        this.userResolver = b.userResolver;
        this.defaultModel = b.defaultModel;
        this.defaultMaxTokens = b.defaultMaxTokens;
        this.order = b.order;
        this.clock = b.clock;
    }

    /**
     * Starts building an advisor.
     *
     * @param ledger the ledger that meters the calls
     * @return the builder
     */
    public static Builder builder(BalanceLedger ledger) {
        return new Builder(ledger);
    }

    @Override
    public String getName() {
        return "BalanceAdvisor";
    }

    @Override
    public int getOrder() {
        return order;
    }

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        Call call = prepare(request);
        Reservation r = blocking.reserve(call.balanceRequest());
        BalanceDecision decision = r.decision();
        if (!r.isAllowed()) {
            throw new BalanceRefusedException(call.user, decision);
        }
        String holdId = Objects.requireNonNull(r.holdId());
        ChatClientResponse response;
        try {
            response = chain.nextCall(call.forModel(request, decision.model()));
        } catch (RuntimeException | Error e) {
            releaseAfterFailure(call, holdId, e).block();
            throw e;
        }
        Usage usage = SpringAiUsage.of(response.chatResponse());
        if (usage == null) {
            usage = Usage.of(call.promptTokens, estimator.estimate(textOf(response.chatResponse())));
        }
        Receipt receipt = blocking.deduct(call.charge(decision.model(), usage, EntryContext.MESSAGE, holdId));
        return response.mutate()
                .context(DECISION, decision)
                .context(RECEIPT, receipt)
                .build();
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        return Mono.fromCallable(() -> prepare(request))
                .flatMap(call -> ledger.reserve(call.balanceRequest()).map(r -> new Reserved(call, r)))
                .flatMapMany(reserved -> {
                    Call call = reserved.call;
                    BalanceDecision decision = reserved.reservation.decision();
                    if (!reserved.reservation.isAllowed()) {
                        return Flux.error(new BalanceRefusedException(call.user, decision));
                    }
                    Stream s = new Stream(
                            call,
                            decision.model(),
                            Objects.requireNonNull(reserved.reservation.holdId()),
                            clock.instant());
                    return chain.nextStream(call.forModel(request, decision.model()))
                            .doOnNext(s::observe)
                            .map(resp ->
                                    resp.mutate().context(DECISION, decision).build())
                            .concatWith(Mono.defer(() -> s.claim()
                                    ? ledger.deduct(s.completed()).then(Mono.<ChatClientResponse>empty())
                                    : Mono.<ChatClientResponse>empty()))
                            .onErrorResume(e -> s.claim()
                                    ? releaseAfterFailure(call, s.holdId, e).then(Mono.<ChatClientResponse>error(e))
                                    : Mono.error(e))
                            .doOnCancel(() -> {
                                if (s.claim()) {
                                    ledger.deduct(s.cancelled())
                                            .subscribe(
                                                    receipt -> {},
                                                    e -> LOG.log(
                                                            System.Logger.Level.WARNING,
                                                            "charging the cancelled stream of " + call.user
                                                                    + " failed; its hold " + s.holdId
                                                                    + " expires on its own",
                                                            e));
                                }
                            });
                });
    }

    private Mono<Receipt> releaseAfterFailure(Call call, String holdId, Throwable cause) {
        LOG.log(
                System.Logger.Level.DEBUG,
                "model call of " + call.user + " failed; hold " + holdId + " released",
                cause);
        return ledger.release(call.user, holdId).onErrorResume(e -> {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "releasing hold " + holdId + " of " + call.user + " failed; it expires on its own",
                    e);
            return Mono.empty();
        });
    }

    private Call prepare(ChatClientRequest request) {
        Object param = request.context().get(USER);
        String user = param != null ? param.toString() : userResolver.resolve(request);
        if (user == null || user.isBlank()) {
            throw new IllegalStateException(
                    "no user for the balance advisor: pass .advisors(a -> a.param(BalanceAdvisor.USER, "
                            + "userId)) or give the advisor a UserResolver");
        }
        Prompt prompt = request.prompt();
        ChatOptions options = prompt.getOptions();
        String model = options != null && options.getModel() != null ? options.getModel() : defaultModel;
        if (model == null) {
            throw new IllegalStateException("the request names no model: set ChatOptions.model or "
                    + "BalanceAdvisor.builder(ledger).defaultModel(...)");
        }
        long maxTokens = options != null && options.getMaxTokens() != null ? options.getMaxTokens() : defaultMaxTokens;
        long promptTokens = 0;
        for (Message m : prompt.getInstructions()) {
            String text = m.getText();
            if (text != null) {
                promptTokens = Math.addExact(promptTokens, estimator.estimate(text));
            }
        }
        Object conversation = request.context().get(CONVERSATION_ID);
        if (conversation == null) {
            conversation = request.context().get(ChatMemory.CONVERSATION_ID);
        }
        return new Call(
                user,
                model,
                promptTokens,
                maxTokens,
                conversation == null ? null : conversation.toString(),
                ledger.config().holdTtl());
    }

    private static String textOf(@Nullable ChatResponse response) {
        if (response == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Generation g : response.getResults()) {
            if (g.getOutput() != null && g.getOutput().getText() != null) {
                sb.append(g.getOutput().getText());
            }
        }
        return sb.toString();
    }

    /** What one request is: who, which model, how many tokens. */
    private record Call(
            String user,
            String model,
            long promptTokens,
            long maxTokens,
            @Nullable String conversationId,
            Duration holdTtl) {

        BalanceRequest balanceRequest() {
            return BalanceRequest.of(user, model, promptTokens, maxTokens);
        }

        ChargeRequest charge(String usedModel, Usage usage, String context, String holdId) {
            return ChargeRequest.of(user, usedModel, usage)
                    .withContext(context)
                    .withConversationId(conversationId)
                    .withHold(holdId);
        }

        /** The request, on the model the decision names (the free model on a fallback). */
        ChatClientRequest forModel(ChatClientRequest request, String decided) {
            if (decided.equals(model)
                    && request.prompt().getOptions() != null
                    && decided.equals(request.prompt().getOptions().getModel())) {
                return request;
            }
            ChatOptions options = request.prompt().getOptions();
            ChatOptions switched = options != null
                    ? options.mutate().model(decided).build()
                    : ChatOptions.builder().model(decided).build();
            return request.mutate()
                    .prompt(request.prompt().mutate().chatOptions(switched).build())
                    .build();
        }
    }

    private record Reserved(Call call, Reservation reservation) {}

    /** A running stream: what it has sent, and which of complete, cancel and error settles the hold. */
    private final class Stream {
        final Call call;
        final String model;
        final String holdId;
        private final AtomicBoolean settled = new AtomicBoolean();
        private final StringBuilder text = new StringBuilder();
        private @Nullable Usage reported;
        private Instant holdRenewedAt;

        Stream(Call call, String model, String holdId, Instant now) {
            this.call = call;
            this.model = model;
            this.holdId = holdId;
            this.holdRenewedAt = now;
        }

        /** @return true for the one signal that settles the hold */
        boolean claim() {
            return settled.compareAndSet(false, true);
        }

        synchronized void observe(ChatClientResponse response) {
            ChatResponse chat = response.chatResponse();
            text.append(textOf(chat));
            Usage u = SpringAiUsage.of(chat);
            if (u != null) {
                reported = u;
            }
            Instant now = clock.instant();
            if (Duration.between(holdRenewedAt, now).compareTo(call.holdTtl.dividedBy(2)) >= 0) {
                holdRenewedAt = now;
                // an expired hold stops counting, and concurrent requests could spend what this one will be charged
                ledger.extendHold(call.user, holdId)
                        .subscribe(
                                h -> {},
                                e -> LOG.log(
                                        System.Logger.Level.WARNING,
                                        "hold " + holdId + " of " + call.user + " could not be extended",
                                        e));
            }
        }

        synchronized ChargeRequest completed() {
            Usage usage =
                    reported != null ? reported : Usage.of(call.promptTokens, estimator.estimate(text.toString()));
            return call.charge(model, usage, EntryContext.MESSAGE, holdId);
        }

        /** The prompt (as reported, else estimated) and the tokens sent so far, as an incomplete message. */
        synchronized ChargeRequest cancelled() {
            long sent = estimator.estimate(text.toString());
            Usage usage;
            if (reported != null) {
                usage = new Usage(
                        reported.inputTokens(),
                        Math.max(sent, reported.outputTokens()),
                        reported.cacheWriteTokens(),
                        reported.cacheReadTokens());
            } else {
                usage = Usage.of(call.promptTokens, sent);
            }
            return call.charge(model, usage, EntryContext.INCOMPLETE, holdId);
        }
    }

    /** Builds a {@link BalanceAdvisor}; every setter checks its value at once. */
    public static final class Builder {
        private final BalanceLedger ledger;
        private @Nullable TokenCountEstimator estimator;
        private UserResolver userResolver = request -> null;
        private @Nullable String defaultModel;
        private long defaultMaxTokens = 1024;
        private int order = DEFAULT_ORDER;
        private Clock clock = Clock.systemUTC();

        private Builder(BalanceLedger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        /**
         * Sets how prompts (and, without reported usage, answers) are counted.
         *
         * @param estimator the estimator; JTokkit's (cl100k) by default
         * @return this builder
         */
        public Builder tokenCountEstimator(TokenCountEstimator estimator) {
            this.estimator = Objects.requireNonNull(estimator, "tokenCountEstimator");
            return this;
        }

        /**
         * Sets where the user comes from when a request has no {@link BalanceAdvisor#USER} parameter.
         *
         * @param resolver the resolver; by default there is none, and such a request fails
         * @return this builder
         */
        public Builder userResolver(UserResolver resolver) {
            this.userResolver = Objects.requireNonNull(resolver, "userResolver");
            return this;
        }

        /**
         * Sets the model of requests whose options name none (a model set only in the provider's
         * own default options is not visible to advisors).
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
         * Sets the output budget reserved for requests whose options set no {@code maxTokens}.
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
         * Sets the advisor's place in the chain.
         *
         * @param order the order; {@link BalanceAdvisor#DEFAULT_ORDER} by default
         * @return this builder
         */
        public Builder order(int order) {
            this.order = order;
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

        /** @return the advisor */
        public BalanceAdvisor build() {
            return new BalanceAdvisor(this);
        }
    }
}
