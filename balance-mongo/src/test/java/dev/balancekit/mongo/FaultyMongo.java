package dev.balancekit.mongo;

import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A fault-injecting layer around the driver: a {@link MongoDatabase} whose collections fail chosen
 * commands of chosen steps, either before the command reaches the server or after the server
 * applied it (the reply is lost). Each subscription to a command's publisher is one call, so the
 * store's own retries count as calls too.
 */
final class FaultyMongo {

    /** The steps of the store's protocol a fault can hit. */
    enum Step {
        /** A read of the accounts collection (load, the pending half of history, list, flush scan). */
        READ_ACCOUNT,
        /** The compare-and-set: insertOne or findOneAndUpdate on the accounts collection. */
        ACCOUNT_WRITE,
        /** Copying entries: insertMany into the transactions collection. */
        COPY,
        /** Removing copied entries from pending: updateOne or bulkWrite on the accounts collection. */
        CLEANUP
    }

    /** How a call fails. */
    enum Mode {
        /** The command never reaches the server. */
        BEFORE,
        /** The server applies the command, then the reply is lost. */
        REPLY_LOST
    }

    private final String balancesName;
    private final String transactionsName;
    private final Map<Step, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<Step, AtomicInteger> fired = new ConcurrentHashMap<>();
    private final Map<Step, Set<Integer>> plan = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.BEFORE;
    private final Map<Step, Mono<Void>> gates = new ConcurrentHashMap<>();
    private final Map<Step, AtomicInteger> held = new ConcurrentHashMap<>();
    private final List<Sinks.Empty<Void>> openers = new CopyOnWriteArrayList<>();

    FaultyMongo(String balancesName, String transactionsName) {
        this.balancesName = balancesName;
        this.transactionsName = transactionsName;
    }

    /**
     * Makes the given calls (1-based, counted from now) of a step fail.
     *
     * @param step the step
     * @param mode how
     * @param callNumbers which calls
     * @return this
     */
    FaultyMongo failCalls(Step step, Mode mode, Integer... callNumbers) {
        this.mode = mode;
        calls.computeIfAbsent(step, s -> new AtomicInteger()).set(0);
        plan.put(step, Set.of(callNumbers));
        return this;
    }

    /**
     * Makes every call of a step wait at a gate, before it reaches the server, until
     * {@link #releaseCalls()}.
     *
     * @param step the step
     * @return this
     */
    FaultyMongo holdCalls(Step step) {
        Sinks.Empty<Void> gate = Sinks.empty();
        gates.put(step, gate.asMono());
        openers.add(gate);
        return this;
    }

    /** Lets every held call go on, and any later one pass. */
    void releaseCalls() {
        for (Sinks.Empty<Void> gate : openers) {
            gate.tryEmitEmpty();
        }
    }

    /** @return how many calls of the step came to its gate (waiting there or let through) */
    int held(Step step) {
        AtomicInteger n = held.get(step);
        return n == null ? 0 : n.get();
    }

    /** Stops injecting faults. */
    void heal() {
        plan.clear();
    }

    /** @return how many calls of the step were made since its plan was set */
    int calls(Step step) {
        AtomicInteger n = calls.get(step);
        return n == null ? 0 : n.get();
    }

    /** @return how many faults were injected into the step */
    int fired(Step step) {
        AtomicInteger n = fired.get(step);
        return n == null ? 0 : n.get();
    }

    /** Decides, at subscription, whether this call of the step fails. */
    private Mode faultFor(Step step) {
        int n = calls.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
        Set<Integer> failing = plan.get(step);
        if (failing != null && failing.contains(n)) {
            fired.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
            return mode;
        }
        return null;
    }

    private <T> Publisher<T> faulty(Step step, Publisher<T> command) {
        Mono<Void> gated = Mono.defer(() -> {
            Mono<Void> gate = gates.get(step);
            if (gate == null) {
                return Mono.empty();
            }
            held.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
            return gate;
        });
        return gated.thenMany(Flux.defer(() -> {
            Mode m = faultFor(step);
            if (m == null) {
                return Flux.from(command);
            }
            MongoSocketReadException lost =
                    new MongoSocketReadException("injected " + m + " fault in " + step, new ServerAddress());
            return m == Mode.BEFORE ? Flux.<T>error(lost) : Flux.from(command).then(Mono.<T>error(lost));
        }));
    }

    /** Wraps a database so that its collections inject this plan's faults. */
    MongoDatabase wrap(MongoDatabase database) {
        return proxy(MongoDatabase.class, (p, m, args) -> {
            Object result = call(database, m, args);
            if (m.getName().equals("getCollection") && result instanceof MongoCollection<?> c) {
                return wrapCollection(c, (String) args[0]);
            }
            return result;
        });
    }

    private MongoCollection<?> wrapCollection(MongoCollection<?> collection, String name) {
        boolean balances = name.equals(balancesName);
        boolean transactions = name.equals(transactionsName);
        return proxy(MongoCollection.class, (p, m, args) -> {
            Object result = call(collection, m, args);
            String method = m.getName();
            if (balances && result instanceof FindPublisher<?> find) {
                return wrapFind(find);
            }
            Step step = null;
            if (balances && (method.equals("findOneAndUpdate") || method.equals("insertOne"))) {
                step = Step.ACCOUNT_WRITE;
            } else if (balances && (method.equals("updateOne") || method.equals("bulkWrite"))) {
                step = Step.CLEANUP;
            } else if (transactions && method.equals("insertMany")) {
                step = Step.COPY;
            }
            return step == null ? result : faulty(step, (Publisher<?>) result);
        });
    }

    private FindPublisher<?> wrapFind(FindPublisher<?> find) {
        return proxy(FindPublisher.class, (p, m, args) -> {
            if (m.getName().equals("subscribe")
                    && args != null
                    && args.length == 1
                    && args[0] instanceof Subscriber<?>) {
                subscribe(faulty(Step.READ_ACCOUNT, find), args[0]);
                return null;
            }
            Object result = call(find, m, args);
            if (result instanceof FindPublisher<?> next) {
                return wrapFind(next);
            }
            if (m.getName().equals("first")) {
                return faulty(Step.READ_ACCOUNT, (Publisher<?>) result);
            }
            return result;
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> void subscribe(Publisher<T> publisher, Object subscriber) {
        publisher.subscribe((Subscriber<? super T>) subscriber);
    }

    private static Object call(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(FaultyMongo.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
