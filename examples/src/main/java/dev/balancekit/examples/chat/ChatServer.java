package dev.balancekit.examples.chat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.balancekit.AccountView;
import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.EntryContext;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LibreChatBalance;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import dev.balancekit.report.AdminReport;
import dev.balancekit.report.HtmlReport;
import dev.balancekit.report.ReportJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-style chat server on the JDK's HTTP server, metered by a {@link BalanceLedger}.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: reserve the prompt plus {@code max_tokens} (402 with
 *       LibreChat's {@code token_balance} payload when refused), run the model (the free model on
 *       fallback), then charge the usage it reports against the hold, which frees the rest. Streams
 *       with server-sent events when {@code "stream": true}. A client that leaves mid-stream is
 *       charged for the tokens it was sent, with context {@code incomplete}; a model that fails is
 *       charged nothing and its hold is released.
 *   <li>{@code GET /v1/balance}: balance, available balance, holds, usage windows and
 *       {@code refillAt}.
 *   <li>{@code GET /api/balance}: LibreChat's balance response ({@link LibreChatBalance}), which
 *       LibreChat's web client shows; 204 while balances are disabled, 404 before the first request.
 *   <li>{@code GET /admin/report} (JSON) and {@code GET /admin/report.html}: the usage report, for
 *       {@linkplain Builder#adminToken(String) admin tokens} only.
 * </ul>
 *
 * <p>Users are identified by {@code Authorization: Bearer <token>}, looked up in a fixed map. Each
 * request is served on one thread of a bounded pool, which calls the ledger's blocking facade; a
 * stream holds its thread until it ends. Connections beyond the pool and its queue are closed.
 */
public final class ChatServer implements AutoCloseable {

    /** The response header that names the free model when a request was answered by it. */
    public static final String FALLBACK_HEADER = "X-BalanceKit-Fallback";

    private static final System.Logger LOG = System.getLogger(ChatServer.class.getName());
    private static final int MAX_BODY_BYTES = 1 << 20;
    /** Who an admin token stands for on the routes an admin may use. */
    private static final String ADMIN = "admin";

    private final HttpServer http;
    private final ThreadPoolExecutor executor;
    private final BlockingBalanceLedger ledger;
    private final BalanceLedger reactive;
    private final Duration holdTtl;
    private final ChatModel model;
    private final Map<String, String> usersByToken;
    private final Set<String> adminTokens;
    private final ReportEndpoint reports;
    private final long defaultMaxTokens;
    private final Clock clock;
    private final Consumer<Settlement> onSettled;

    /** How a request's hold ended. */
    public enum HoldEnd {
        /** The model's usage was charged, context {@code message}. */
        CHARGED,
        /** The client left mid-stream: the tokens sent were charged, context {@code incomplete}. */
        CHARGED_INCOMPLETE,
        /** The model failed: nothing was charged and the hold was released. */
        RELEASED
    }

    /**
     * What the server did with a request's hold, reported after the ledger stored it.
     *
     * @param user the user
     * @param holdId the hold
     * @param holdEnd charged, charged as incomplete, or released
     * @param model the model that answered
     * @param tokensSent the completion tokens the client was sent
     * @param receipt the ledger's receipt for the charge or release
     */
    public record Settlement(
            String user, String holdId, HoldEnd holdEnd, String model, long tokensSent, Receipt receipt) {}

    private ChatServer(Builder b) throws IOException {
        this.ledger = b.ledger.blocking();
        this.reactive = b.ledger;
        this.holdTtl = b.ledger.config().holdTtl();
        this.model = b.model;
        this.usersByToken = Map.copyOf(b.usersByToken);
        this.adminTokens = Set.copyOf(b.adminTokens);
        this.reports = new ReportEndpoint(b.ledger, b.clock);
        this.defaultMaxTokens = b.defaultMaxTokens;
        this.clock = b.clock;
        this.onSettled = b.onSettled;
        this.executor = new ThreadPoolExecutor(
                b.threads,
                b.threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(b.threads * 8),
                namedThreads());
        // the demo tokens are fixed and public: listen on the loopback interface only
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 0);
        http.setExecutor(executor);
        http.createContext("/v1/chat/completions", ex -> serve(ex, "/v1/chat/completions", "POST", this::completions));
        http.createContext("/v1/balance", ex -> serve(ex, "/v1/balance", "GET", this::balance));
        http.createContext("/api/balance", ex -> serve(ex, "/api/balance", "GET", this::libreChatBalance));
        http.createContext("/admin/report", ex -> serveAdmin(ex, false));
        http.createContext("/admin/report.html", ex -> serveAdmin(ex, true));
        http.createContext("/", ex -> serve(ex, null, "", (e, user) -> {})); // everything else: 404
        http.start();
    }

    /**
     * Starts building a server.
     *
     * @param ledger the ledger that meters it
     * @param model the model that answers
     * @return the builder
     */
    public static Builder builder(BalanceLedger ledger, ChatModel model) {
        return new Builder(ledger, model);
    }

    /** @return the port the server listens on (the chosen one when it was started on port 0) */
    public int port() {
        return http.getAddress().getPort();
    }

    /** Stops listening, closes every connection and interrupts the requests still running. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private interface Route {
        void handle(HttpExchange ex, String user) throws IOException;
    }

    private interface Authenticator {
        @Nullable
        String authenticate(HttpExchange ex) throws IOException;
    }

    private void serve(HttpExchange ex, @Nullable String path, String method, Route route) {
        serve(ex, path, method, this::authenticate, route);
    }

    /** Checks path, method and token, runs the route, and turns what escapes it into a response. */
    private void serve(HttpExchange ex, @Nullable String path, String method, Authenticator auth, Route route) {
        try (ex) {
            if (path == null || !ex.getRequestURI().getPath().equals(path)) {
                sendJson(
                        ex,
                        404,
                        OpenAiFormat.error(
                                "unknown path " + ex.getRequestURI().getPath()
                                        + "; try POST /v1/chat/completions, GET /v1/balance or GET /api/balance",
                                "invalid_request_error",
                                null,
                                null));
                return;
            }
            if (!ex.getRequestMethod().equals(method)) {
                ex.getResponseHeaders().set("Allow", method);
                sendJson(
                        ex,
                        405,
                        OpenAiFormat.error(
                                path + " takes " + method + ", was " + ex.getRequestMethod(),
                                "invalid_request_error",
                                null,
                                null));
                return;
            }
            String user = auth.authenticate(ex);
            if (user != null) {
                route.handle(ex, user);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client went away", e);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "request failed: " + ex.getRequestMethod() + " " + ex.getRequestURI(),
                    e);
            if (ex.getResponseCode() == -1) { // nothing sent yet: the client gets an answer
                try {
                    sendJson(ex, 500, OpenAiFormat.error("internal error", "server_error", null, null));
                } catch (IOException ignored) {
                    // the client went away too
                }
            }
        }
    }

    /**
     * {@code GET /admin/report} and {@code /admin/report.html}: the usage report, for admin tokens
     * only. A user's token is refused with 403, a missing or unknown one with 401.
     */
    private void serveAdmin(HttpExchange ex, boolean html) {
        String path = html ? "/admin/report.html" : "/admin/report";
        serve(
                ex,
                ex.getRequestURI().getPath().equals(path) ? path : null,
                "GET",
                this::authenticateAdmin,
                (e, admin) -> report(e, html));
    }

    /** @return {@value #ADMIN} for an admin token, or null after answering 401 or (for a user's token) 403 */
    private @Nullable String authenticateAdmin(HttpExchange ex) throws IOException {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).strip();
            if (adminTokens.contains(token)) {
                return ADMIN;
            }
            if (usersByToken.containsKey(token)) {
                sendJson(
                        ex,
                        403,
                        OpenAiFormat.error("the usage report is for administrators", "permission_error", null, null));
                return null;
            }
        }
        return authenticate(ex); // answers 401
    }

    private void report(HttpExchange ex, boolean html) throws IOException {
        AdminReport report;
        try {
            report = reports.report(ex.getRequestURI());
        } catch (IllegalArgumentException e) {
            sendJson(ex, 400, OpenAiFormat.error(String.valueOf(e.getMessage()), "invalid_request_error", null, null));
            return;
        }
        if (html) {
            send(ex, 200, "text/html; charset=utf-8", HtmlReport.render(report));
        } else {
            sendJson(ex, 200, ReportJson.write(report));
        }
    }

    /** @return the user the bearer token belongs to, or null after answering 401 */
    private @Nullable String authenticate(HttpExchange ex) throws IOException {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String user = usersByToken.get(header.substring(7).strip());
            if (user != null) {
                return user;
            }
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        // never echo the token: it may be a real key sent to the wrong server
        sendJson(
                ex,
                401,
                OpenAiFormat.error(
                        header == null
                                ? "You didn't provide an API key. Send it as 'Authorization: Bearer <token>'."
                                : "Incorrect API key provided.",
                        "invalid_request_error",
                        null,
                        "invalid_api_key"));
        return null;
    }

    private void completions(HttpExchange ex, String user) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            sendJson(
                    ex,
                    413,
                    OpenAiFormat.error(
                            "the body is larger than " + MAX_BODY_BYTES + " bytes",
                            "invalid_request_error",
                            null,
                            null));
            return;
        }
        ChatRequest request;
        try {
            request = ChatRequest.parse(new String(body, StandardCharsets.UTF_8), defaultMaxTokens);
        } catch (ChatRequest.InvalidRequestException e) {
            sendJson(
                    ex,
                    400,
                    OpenAiFormat.error(String.valueOf(e.getMessage()), "invalid_request_error", e.param(), null));
            return;
        }
        long promptTokens = request.promptTokens();

        // 1. Reserve the prompt plus the whole output budget. Concurrent requests of this user see
        //    the hold, so together they cannot spend more than the balance.
        Reservation r;
        try {
            r = ledger.reserve(BalanceRequest.of(user, request.model(), promptTokens, request.maxTokens()));
        } catch (IllegalArgumentException e) {
            sendJson(ex, 400, OpenAiFormat.error(String.valueOf(e.getMessage()), "invalid_request_error", null, null));
            return;
        }
        BalanceDecision decision = r.decision();
        if (!r.isAllowed()) {
            sendJson(ex, 402, OpenAiFormat.tokenBalanceError(decision));
            return;
        }
        boolean fallback = decision.status() == BalanceDecision.Status.FALLBACK;
        Turn turn = new Turn(
                user,
                Objects.requireNonNull(r.holdId()),
                request,
                promptTokens,
                decision.model(),
                fallback,
                clock.instant());
        if (fallback) {
            ex.getResponseHeaders().set(FALLBACK_HEADER, turn.model);
        }

        // 2. and 3. Run the model, then charge what it used against the hold.
        if (request.stream()) {
            stream(ex, turn);
        } else {
            answer(ex, turn);
        }
    }

    private void answer(HttpExchange ex, Turn t) throws IOException {
        StringBuilder text = new StringBuilder();
        Usage usage;
        try {
            usage = model.generate(t.call(), token -> {
                keepHoldAlive(t);
                text.append(token);
            });
        } catch (IOException | RuntimeException e) {
            release(t, e);
            sendJson(ex, 502, modelError(e));
            return;
        } catch (InterruptedException e) {
            release(t, e); // before restoring the flag: a blocking ledger call fails on an interrupted thread
            Thread.currentThread().interrupt();
            sendJson(ex, 503, modelError(e));
            return;
        }
        Receipt receipt = settle(t, t.charge(usage, EntryContext.MESSAGE), HoldEnd.CHARGED, usage.outputTokens());
        sendJson(ex, 200, OpenAiFormat.completion(t, text.toString(), usage, receipt));
    }

    private void stream(HttpExchange ex, Turn t) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0); // no length: chunked, open until the handler closes it
        SseWriter out = new SseWriter(ex.getResponseBody());
        Usage usage = null;
        Exception failure = null;
        try {
            usage = model.generate(t.call(), token -> {
                keepHoldAlive(t);
                out.token(OpenAiFormat.tokenChunk(t, token, out.tokensSent() == 0));
            });
        } catch (IOException | InterruptedException | RuntimeException e) {
            failure = e;
        }
        try {
            finishStream(t, out, usage, failure);
        } finally {
            if (failure instanceof InterruptedException) {
                // restored only now: a blocking ledger call fails on an interrupted thread
                Thread.currentThread().interrupt();
            }
        }
    }

    private void finishStream(Turn t, SseWriter out, @Nullable Usage usage, @Nullable Exception failure) {
        if (out.clientGone()) {
            // The client left mid-stream. It got tokensSent tokens: charge those (LibreChat charges
            // an aborted stream's completion at 1.15x, context incomplete), which settles the hold
            // and frees the part of it that was never used.
            long sent = out.tokensSent();
            settle(
                    t,
                    t.charge(Usage.of(t.promptTokens, sent), EntryContext.INCOMPLETE),
                    HoldEnd.CHARGED_INCOMPLETE,
                    sent);
            return;
        }
        if (failure != null || usage == null) {
            release(t, failure);
            out.tryEvent(modelError(failure));
            return;
        }
        Receipt receipt = settle(t, t.charge(usage, EntryContext.MESSAGE), HoldEnd.CHARGED, usage.outputTokens());
        try {
            out.event(OpenAiFormat.finishChunk(t, usage));
            out.event(OpenAiFormat.usageChunk(t, usage, receipt));
            out.event("[DONE]");
        } catch (IOException e) {
            // every token was delivered before the client left; only the trailer was lost
            LOG.log(System.Logger.Level.DEBUG, "client left after the last token", e);
        }
    }

    /**
     * Extends the hold of a long stream before it expires: an expired hold stops counting, and
     * then concurrent requests could spend the credits this one is about to be charged.
     */
    private void keepHoldAlive(Turn t) {
        Instant now = clock.instant();
        if (Duration.between(t.holdRenewedAt, now).compareTo(holdTtl.dividedBy(2)) < 0) {
            return;
        }
        try {
            ledger.extendHold(t.user, t.holdId);
        } catch (IllegalArgumentException e) {
            // already expired: the charge is applied all the same when the stream ends
            LOG.log(System.Logger.Level.WARNING, "hold " + t.holdId + " of " + t.user + " could not be extended", e);
        }
        t.holdRenewedAt = now;
    }

    private Receipt settle(Turn t, ChargeRequest charge, HoldEnd holdEnd, long tokensSent) {
        Receipt receipt = ledger.deduct(charge);
        publish(new Settlement(t.user, t.holdId, holdEnd, t.model, tokensSent, receipt));
        return receipt;
    }

    /**
     * A failed call reports no usage, so nothing is charged and the whole hold is freed. (A host
     * whose provider bills partial output would charge the tokens sent instead.)
     */
    private void release(Turn t, @Nullable Exception cause) {
        LOG.log(System.Logger.Level.WARNING, "model " + t.model + " failed for " + t.user + "; hold released", cause);
        Receipt receipt = ledger.release(t.user, t.holdId);
        publish(new Settlement(t.user, t.holdId, HoldEnd.RELEASED, t.model, 0, receipt));
    }

    private void publish(Settlement s) {
        try {
            onSettled.accept(s);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "settlement listener failed", e);
        }
    }

    private static String modelError(@Nullable Exception e) {
        String why = e == null
                ? "no usage reported"
                : e instanceof InterruptedException ? "interrupted" : String.valueOf(e.getMessage());
        return OpenAiFormat.error("the model failed: " + why, "server_error", null, "model_error");
    }

    private void balance(HttpExchange ex, String user) throws IOException {
        Optional<AccountView> view = ledger.balance(user);
        if (view.isEmpty()) {
            sendJson(
                    ex,
                    404,
                    OpenAiFormat.error(
                            "no balance for this user yet: the first chat request creates it",
                            "invalid_request_error",
                            null,
                            "balance_not_found"));
            return;
        }
        sendJson(ex, 200, OpenAiFormat.balance(view.get(), ledger.usage(user)));
    }

    /** LibreChat's {@code GET /api/balance}: 204 while balances are disabled, 404 without an account. */
    private void libreChatBalance(HttpExchange ex, String user) throws IOException {
        LedgerConfig config = reactive.config();
        if (!config.enabled()) {
            ex.sendResponseHeaders(204, -1);
            return;
        }
        Optional<AccountView> view = ledger.balance(user);
        if (view.isEmpty()) {
            sendJson(ex, 404, Json.MAPPER.writeValueAsString(Map.of("error", "Balance not found")));
            return;
        }
        sendJson(
                ex,
                200,
                Json.MAPPER.writeValueAsString(
                        LibreChatBalance.of(view.get(), config).payload()));
    }

    private static void sendJson(HttpExchange ex, int status, String json) throws IOException {
        send(ex, status, "application/json", json);
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ThreadFactory namedThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "chat-server-" + n.incrementAndGet());
            t.setDaemon(true); // the HTTP server's own dispatcher thread keeps the JVM alive
            return t;
        };
    }

    /**
     * Writes server-sent events, one flush each, and counts the tokens that reached the socket.
     * The first failed write marks the client gone; later writes fail at once.
     */
    private static final class SseWriter {
        private final OutputStream out;
        private long tokensSent;
        private boolean gone;

        SseWriter(OutputStream out) {
            this.out = out;
        }

        void token(String chunkJson) throws IOException {
            event(chunkJson);
            tokensSent++;
        }

        void event(String data) throws IOException {
            if (gone) {
                throw new IOException("the client went away");
            }
            try {
                out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                gone = true;
                throw e;
            }
        }

        void tryEvent(String data) {
            try {
                event(data);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "client went away before the error event", e);
            }
        }

        long tokensSent() {
            return tokensSent;
        }

        boolean clientGone() {
            return gone;
        }
    }

    /** Builds and starts a {@link ChatServer}; every setter checks its value at once. */
    public static final class Builder {
        private final BalanceLedger ledger;
        private final ChatModel model;
        private final Map<String, String> usersByToken = new LinkedHashMap<>();
        private final Set<String> adminTokens = new LinkedHashSet<>();
        private int port = 8080;
        private int threads = 16;
        private long defaultMaxTokens = 256;
        private Clock clock = Clock.systemUTC();
        private Consumer<Settlement> onSettled = s -> {};

        private Builder(BalanceLedger ledger, ChatModel model) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * Lets a bearer token in as a user.
         *
         * @param token the bearer token
         * @param userId the user id the ledger knows
         * @return this builder
         * @throws IllegalArgumentException if the token or user id is blank, or the token is taken
         */
        public Builder user(String token, String userId) {
            if (token == null || token.isBlank() || !token.strip().equals(token)) {
                throw new IllegalArgumentException("token must not be blank or padded, was '" + token + "'");
            }
            if (userId == null || userId.isBlank()) {
                throw new IllegalArgumentException("userId must not be blank, was '" + userId + "'");
            }
            if (usersByToken.containsKey(token)) {
                throw new IllegalArgumentException("token is already given to user '" + usersByToken.get(token) + "'");
            }
            if (adminTokens.contains(token)) {
                throw new IllegalArgumentException("token is already an admin token");
            }
            usersByToken.put(token, userId);
            return this;
        }

        /**
         * Lets a bearer token in as an administrator: it may read the usage report at
         * {@code GET /admin/report} (JSON) and {@code GET /admin/report.html}; user tokens may not.
         *
         * @param token the bearer token
         * @return this builder
         * @throws IllegalArgumentException if the token is blank, padded or given to a user
         */
        public Builder adminToken(String token) {
            if (token == null || token.isBlank() || !token.strip().equals(token)) {
                throw new IllegalArgumentException("token must not be blank or padded, was '" + token + "'");
            }
            if (usersByToken.containsKey(token)) {
                throw new IllegalArgumentException("token is already given to user '" + usersByToken.get(token) + "'");
            }
            adminTokens.add(token);
            return this;
        }

        /**
         * Lets several bearer tokens in.
         *
         * @param tokens user ids by bearer token
         * @return this builder
         * @throws IllegalArgumentException as {@link #user(String, String)}
         */
        public Builder users(Map<String, String> tokens) {
            tokens.forEach(this::user);
            return this;
        }

        /**
         * Sets the port, on the loopback interface.
         *
         * @param port 0 to 65535; 0 picks a free port (see {@link ChatServer#port()}); 8080 by default
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets how many requests run at once (16 by default); eight times as many connections wait.
         *
         * @param threads 1 to 1000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 1000) {
                throw new IllegalArgumentException("threads must be between 1 and 1000, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Sets the output budget of requests without {@code max_tokens}.
         *
         * @param maxTokens 1 to {@value ChatRequest#MAX_TOKENS_LIMIT}; 256 by default
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder defaultMaxTokens(long maxTokens) {
            if (maxTokens < 1 || maxTokens > ChatRequest.MAX_TOKENS_LIMIT) {
                throw new IllegalArgumentException("defaultMaxTokens must be between 1 and "
                        + ChatRequest.MAX_TOKENS_LIMIT + ", was " + maxTokens);
            }
            this.defaultMaxTokens = maxTokens;
            return this;
        }

        /**
         * Sets the clock for {@code created} and for extending holds; give it the ledger's clock.
         *
         * @param clock the clock; the system UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets a listener told of each hold's end (charged, charged as incomplete, released), after
         * the ledger stored it, on the request's thread. For metrics, logs and tests.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder onSettled(Consumer<Settlement> listener) {
            this.onSettled = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IOException if the port cannot be bound
         * @throws IllegalStateException if no user was given
         */
        public ChatServer start() throws IOException {
            if (usersByToken.isEmpty()) {
                throw new IllegalStateException("no users: add at least one with user(token, userId)");
            }
            return new ChatServer(this);
        }
    }
}
