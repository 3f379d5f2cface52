package dev.balancekit.examples.springchat;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.Receipt;
import dev.balancekit.springai.BalanceAdvisor;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The HTTP API. Users are identified by {@code Authorization: Bearer <token>} ({@code demo.users}).
 *
 * <ul>
 *   <li>{@code POST /api/chat} with {@code Accept: application/json}: the whole answer, the usage
 *       and what it cost; with {@code Accept: text/event-stream}: the answer token by token as
 *       server-sent events. A refusal is HTTP 402 with LibreChat's {@code token_balance} payload
 *       (the starter's handler), before any event.
 *   <li>{@code GET /api/balance}: balance, available balance (balance minus holds), active holds.
 *   <li>{@code POST /api/admin/balance} with the administrator's token: add credits to a user.
 * </ul>
 */
@RestController
public class ChatController {

    private final ChatClient chat;
    private final BalanceLedger ledger;
    private final DemoProperties demo;

    /**
     * Creates the controller.
     *
     * @param chat the metered chat client
     * @param ledger the ledger
     * @param demo the demo settings
     */
    public ChatController(ChatClient chat, BalanceLedger ledger, DemoProperties demo) {
        this.chat = chat;
        this.ledger = ledger;
        this.demo = demo;
    }

    /**
     * A chat request.
     *
     * @param message the user's message
     * @param model the model, or null for the default
     * @param maxTokens the most tokens of the answer, or null for the default
     * @param conversationId the conversation, or null
     */
    public record ChatRequest(
            String message,
            @Nullable String model,
            @Nullable Integer maxTokens,
            @Nullable String conversationId) {}

    /**
     * A whole answer.
     *
     * @param model the model that answered (the free model on a fallback)
     * @param answer the text, null when the model returned none
     * @param promptTokens the prompt tokens the model reported
     * @param completionTokens the completion tokens the model reported
     * @param charged the credits charged
     * @param balance the balance after the charge
     */
    public record ChatAnswer(
            String model,
            @Nullable String answer,
            long promptTokens,
            long completionTokens,
            BigDecimal charged,
            BigDecimal balance) {}

    /**
     * A balance.
     *
     * @param user the user
     * @param balance the balance
     * @param available the balance minus active holds
     * @param holds the number of active holds
     */
    public record BalanceView(String user, BigDecimal balance, BigDecimal available, int holds) {}

    /**
     * A top-up.
     *
     * @param user the user
     * @param amount the credits to add, a plain decimal
     */
    public record TopUp(String user, String amount) {}

    /**
     * Answers a message in one piece.
     *
     * @param authorization the bearer token
     * @param request the request
     * @return the answer and what it cost
     */
    @PostMapping(path = "/api/chat", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ChatAnswer> chat(
            @RequestHeader(name = "Authorization", required = false) @Nullable String authorization,
            @RequestBody ChatRequest request) {
        String user = user(authorization);
        // ChatClient.call() blocks: run it off the event loop
        return Mono.fromCallable(() -> spec(user, request).call().chatClientResponse())
                .subscribeOn(Schedulers.boundedElastic())
                .map(ChatController::answer);
    }

    /**
     * Streams the answer to a message as server-sent events, one token each.
     *
     * @param authorization the bearer token
     * @param request the request
     * @return the tokens
     */
    @PostMapping(path = "/api/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<String>> stream(
            @RequestHeader(name = "Authorization", required = false) @Nullable String authorization,
            @RequestBody ChatRequest request) {
        String user = user(authorization);
        return spec(user, request).stream()
                .content()
                .map(token -> ServerSentEvent.builder(token).build());
    }

    /**
     * Shows the caller's balance.
     *
     * @param authorization the bearer token
     * @return the balance (404 before the first chat request creates the account)
     */
    @GetMapping(path = "/api/balance", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<BalanceView> balance(
            @RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
        String user = user(authorization);
        return ledger.balance(user)
                .map(ChatController::view)
                .switchIfEmpty(Mono.error(new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no balance yet: the first chat request creates it")));
    }

    /**
     * Adds credits to a user's balance: for the administrator only.
     *
     * @param authorization the administrator's bearer token
     * @param topUp the user and the amount
     * @return the user's balance after it
     */
    @PostMapping(path = "/api/admin/balance", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<BalanceView> topUp(
            @RequestHeader(name = "Authorization", required = false) @Nullable String authorization,
            @RequestBody TopUp topUp) {
        if (!("Bearer " + demo.getAdminToken()).equals(authorization)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "only the administrator may top up balances");
        }
        Credits amount;
        try {
            amount = Credits.parse(topUp.amount());
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "amount: " + e.getMessage(), e);
        }
        return Mono.defer(() ->
                        ledger.addBalance(BalanceChange.of(topUp.user(), amount).withActor("admin")))
                .then(ledger.balance(topUp.user()))
                .map(ChatController::view);
    }

    /**
     * A model that fails is a bad gateway; its hold was released and nothing was charged.
     *
     * @param e the model's failure
     * @return 502 with the reason
     */
    @ExceptionHandler(IllegalStateException.class)
    public ResponseEntity<Map<String, String>> modelFailed(IllegalStateException e) {
        return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(Map.of("error", String.valueOf(e.getMessage())));
    }

    private ChatClient.ChatClientRequestSpec spec(String user, ChatRequest request) {
        if (request.message() == null || request.message().isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "message must not be blank");
        }
        ChatOptions.Builder<?> options = ChatOptions.builder();
        if (request.model() != null) {
            options.model(request.model());
        }
        if (request.maxTokens() != null) {
            options.maxTokens(request.maxTokens());
        }
        return chat.prompt().user(request.message()).options(options).advisors(a -> {
            a.param(BalanceAdvisor.USER, user);
            if (request.conversationId() != null) {
                a.param(ChatMemory.CONVERSATION_ID, request.conversationId());
            }
        });
    }

    private String user(@Nullable String authorization) {
        String user = authorization != null && authorization.startsWith("Bearer ")
                ? demo.getUsers().get(authorization.substring(7).strip())
                : null;
        if (user == null) {
            throw new ResponseStatusException(
                    HttpStatus.UNAUTHORIZED, "send Authorization: Bearer <token> of a demo user");
        }
        return user;
    }

    private static ChatAnswer answer(ChatClientResponse response) {
        // a call that completed has a response with a result, and the advisor put its receipt in the context
        ChatResponse r = Objects.requireNonNull(response.chatResponse(), "chatResponse");
        Receipt receipt = (Receipt) Objects.requireNonNull(response.context().get(BalanceAdvisor.RECEIPT), "receipt");
        var usage = r.getMetadata().getUsage();
        Generation result = Objects.requireNonNull(r.getResult(), "result");
        return new ChatAnswer(
                r.getMetadata().getModel(),
                result.getOutput().getText(),
                usage.getPromptTokens(),
                usage.getCompletionTokens(),
                decimal(receipt.total().negate()),
                decimal(receipt.balance()));
    }

    private static BalanceView view(AccountView a) {
        return new BalanceView(
                a.user(),
                decimal(a.balance()),
                decimal(a.available()),
                a.holds().size());
    }

    /** Credits print as exact plain decimals; as BigDecimal they stay exact in JSON numbers. */
    private static BigDecimal decimal(Credits c) {
        return c.toBigDecimal();
    }
}
