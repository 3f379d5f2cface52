package dev.balancekit.cli;

import static dev.balancekit.cli.RecordWriter.Column.number;
import static dev.balancekit.cli.RecordWriter.Column.text;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.mongo.MongoUserDirectory;
import dev.balancekit.mongo.MongoUserDirectory.User;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import reactor.core.publisher.Flux;

/**
 * {@code list-balances}: every user with their balance, streamed a page at a time. Users of the
 * users collection without an account are listed as {@code no balance}; accounts whose user is not
 * in the users collection are listed too, without an e-mail.
 */
@Command(
        name = "list-balances",
        mixinStandardHelpOptions = true,
        description = {
            "Lists every user's balance, last transaction, tokens used and tier.",
            "Columns: e-mail, balance, last transaction date, total tokens used, tier and user id. Users without an"
                    + " account show 'no balance' (an empty balance in CSV, null in JSON).",
            "Reads a page at a time and prints as it goes, so it needs little memory for any number of users;"
                    + " on a terminal it shows progress on standard error."
        })
final class ListBalancesCommand implements Callable<Integer> {

    /** What the listing is ordered by. */
    enum Sort {
        /** The e-mail, A to Z; accounts without a user document come last. */
        EMAIL,
        /** The balance, highest first; users without an account come last. */
        BALANCE,
        /** The last transaction, most recent first; users without an account come last. */
        LAST_ACTIVITY;

        /** @return the name as typed on the command line */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Reads {@code --sort} values as typed: {@code email}, {@code balance}, {@code last-activity}. */
    static final class SortConverter implements ITypeConverter<Sort> {
        @Override
        public Sort convert(String value) {
            for (Sort s : Sort.values()) {
                if (s.toString().equalsIgnoreCase(value.strip())) {
                    return s;
                }
            }
            throw new TypeConversionException("expected one of email, balance, last-activity but was '" + value + "'");
        }
    }

    static final List<RecordWriter.Column> COLUMNS = List.of(
            text("email", "EMAIL", 30),
            number("balance", "BALANCE", 14).absentAs("no balance"),
            text("lastTransactionAt", "LAST TRANSACTION", 30),
            number("totalTokens", "TOKENS USED", 12),
            text("tier", "TIER", 10),
            text("user", "USER", 0));

    /** Accounts looked up at once when listing by e-mail. */
    private static final int CONCURRENCY = 8;

    private final Invocation invocation;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Mixin
    FormatOption output = new FormatOption();

    @Option(
            names = "--sort",
            paramLabel = "KEY",
            defaultValue = "email",
            converter = SortConverter.class,
            description =
                    "email (A to Z), balance (highest first) or last-activity (most recent first); default ${DEFAULT-VALUE}.")
    Sort sort = Sort.EMAIL;

    @Option(names = "--reverse", description = "Reverse the order of --sort.")
    boolean reverse;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "At most N users (default: all).")
    int limit;

    @Option(
            names = "--page-size",
            paramLabel = "N",
            defaultValue = "500",
            description = "Users read per round trip (default ${DEFAULT-VALUE}).")
    int pageSize;

    ListBalancesCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    /** One line of the listing: a user, with or without an account. */
    private record Row(
            String user, @Nullable String label, @Nullable AccountView account) {}

    @Override
    public Integer call() {
        if (limit < 0) {
            throw CliException.usage("--limit must be 0 (all) or more, was " + limit);
        }
        if (pageSize < 1 || pageSize > ListQuery.MAX_LIMIT) {
            throw CliException.usage("--page-size must be between 1 and " + ListQuery.MAX_LIMIT + ", was " + pageSize);
        }
        LedgerConfig cfg = invocation.config(config);
        Session session = invocation.session(mongo);
        BalanceLedger ledger = session.ledger(cfg, invocation.env().clock());
        Listing listing = new Listing(
                session,
                ledger,
                new RecordWriter(output.format, COLUMNS, invocation.out()),
                new Progress(invocation.env(), "users listed"));
        boolean complete = sort == Sort.EMAIL ? listing.byEmail() : listing.byAccount();
        listing.progress.clear();
        listing.writer.end();
        if (output.format == Format.TABLE) {
            long n = listing.users;
            invocation
                    .out()
                    .println(n + (n == 1 ? " user" : " users") + (complete ? "" : " shown (--limit)") + ", "
                            + listing.accounts + " with a balance; total balance " + listing.balance
                            + ", total tokens used "
                            + listing.tokens);
        }
        return Main.OK;
    }

    /** One run of the listing: where it reads, where it prints, and the totals so far. */
    private final class Listing {
        final Session session;
        final BalanceLedger ledger;
        final RecordWriter writer;
        final Progress progress;
        long users;
        long accounts;
        Credits balance = Credits.ZERO;
        long tokens;

        Listing(Session session, BalanceLedger ledger, RecordWriter writer, Progress progress) {
            this.session = session;
            this.ledger = ledger;
            this.writer = writer;
            this.progress = progress;
        }

        /** The directory's users among a page's accounts, by user id; null if the directory answered nothing. */
        private @Nullable Map<String, User> usersOf(Page<AccountView> page) {
            List<String> ids = new ArrayList<>(page.items().size());
            for (AccountView v : page.items()) {
                ids.add(v.user());
            }
            return ids.isEmpty()
                    ? Map.of()
                    : session.directory().find(ids).collectMap(User::id).block();
        }

        /** Accounts sorted by the store, then the users without one; false when the limit was reached. */
        boolean byAccount() {
            ListQuery query = new ListQuery(
                    sort == Sort.BALANCE ? ListQuery.Sort.BALANCE : ListQuery.Sort.LAST_ACTIVITY,
                    !reverse,
                    pageSize,
                    null);
            String cursor = null;
            do {
                Page<AccountView> page = ledger.listBalances(
                                query.withLimit(pageSizeFor()).after(cursor))
                        .block();
                if (page == null) {
                    break;
                }
                Map<String, User> known = usersOf(page);
                for (AccountView v : page.items()) {
                    User u = known == null ? null : known.get(v.user());
                    if (!emit(new Row(v.user(), u == null ? null : u.label(), v))) {
                        return false;
                    }
                }
                progress.update(users);
                cursor = page.nextCursor();
            } while (cursor != null);

            try (Stream<List<User>> batches = session.directory()
                    .users(MongoUserDirectory.Order.ID, false, pageSize)
                    .buffer(pageSize)
                    .toStream(1)) {
                for (List<User> batch : (Iterable<List<User>>) batches::iterator) {
                    Set<String> withAccount = session.store()
                            .usersWithAccounts(ids(batch))
                            .collect(Collectors.toSet())
                            .block();
                    for (User u : batch) {
                        if ((withAccount == null || !withAccount.contains(u.id()))
                                && !emit(new Row(u.id(), u.label(), null))) {
                            return false;
                        }
                    }
                    progress.update(users);
                }
            }
            return true;
        }

        /** Users sorted by e-mail with their accounts, then accounts without a user; false when the limit was reached. */
        boolean byEmail() {
            try (Stream<List<User>> batches = session.directory()
                    .users(MongoUserDirectory.Order.EMAIL, reverse, pageSize)
                    .buffer(pageSize)
                    .toStream(1)) {
                for (List<User> batch : (Iterable<List<User>>) batches::iterator) {
                    List<Row> rows = Flux.fromIterable(batch)
                            .flatMapSequential(
                                    u -> ledger.balance(u.id())
                                            .map(v -> new Row(u.id(), u.label(), v))
                                            .defaultIfEmpty(new Row(u.id(), u.label(), null)),
                                    CONCURRENCY)
                            .collectList()
                            .block();
                    for (Row row : rows == null ? List.<Row>of() : rows) {
                        if (!emit(row)) {
                            return false;
                        }
                    }
                    progress.update(users);
                }
            }
            ListQuery query = new ListQuery(ListQuery.Sort.USER, reverse, pageSize, null);
            String cursor = null;
            do {
                Page<AccountView> page =
                        ledger.listBalances(query.after(cursor)).block();
                if (page == null) {
                    break;
                }
                Map<String, User> known = usersOf(page);
                for (AccountView v : page.items()) {
                    if ((known == null || !known.containsKey(v.user())) && !emit(new Row(v.user(), null, v))) {
                        return false;
                    }
                }
                progress.update(users);
                cursor = page.nextCursor();
            } while (cursor != null);
            return true;
        }

        /** The page size, no larger than what the limit leaves. */
        int pageSizeFor() {
            return limit == 0 ? pageSize : (int) Math.max(1, Math.min(pageSize, limit - users));
        }

        /** Prints a row and counts it; false, printing nothing, once the limit is reached. */
        boolean emit(Row row) {
            if (limit > 0 && users >= limit) {
                return false;
            }
            progress.clear();
            AccountView a = row.account();
            writer.row(Arrays.asList(
                    row.label(),
                    a == null ? null : a.balance().toString(),
                    a == null || a.lastTransactionAt() == null
                            ? null
                            : a.lastTransactionAt().toString(),
                    a == null ? null : Long.toString(a.totalTokens()),
                    a == null ? null : a.tier(),
                    row.user()));
            users++;
            if (a != null) {
                accounts++;
                balance = balance.plus(a.balance());
                tokens += a.totalTokens();
            }
            return true;
        }
    }

    private static List<String> ids(List<User> batch) {
        List<String> ids = new ArrayList<>(batch.size());
        for (User u : batch) {
            ids.add(u.id());
        }
        return ids;
    }
}
