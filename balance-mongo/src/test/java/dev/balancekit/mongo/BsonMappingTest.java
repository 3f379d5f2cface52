package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.BalanceDecision;
import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import dev.balancekit.Hold;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillOverride;
import dev.balancekit.RefillUnit;
import dev.balancekit.Reservation;
import dev.balancekit.TokenType;
import dev.balancekit.UsageWindow;
import dev.balancekit.WindowUsage;
import dev.balancekit.pricing.Rate;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.KeyBucket;
import dev.balancekit.spi.OperationRecord;
import dev.balancekit.spi.ReceiptRecord;
import dev.balancekit.spi.WindowState;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every type survives the trip to BSON bytes and back, with every field set and with every optional field null. */
class BsonMappingTest {
    /** An instant with nanoseconds below the millisecond, which a BSON date alone would lose. */
    private static final Instant FINE = Instant.parse("2026-01-15T10:00:00.123456789Z");

    static final Instant WHOLE = Instant.parse("2026-01-15T10:00:00Z");
    private static final Instant BEFORE_EPOCH = Instant.parse("1969-12-31T23:59:59.999999999Z");

    /** Encodes to BSON bytes and parses them again, as a trip through the server does. */
    private static BsonDocument bytes(BsonDocument d) {
        return new RawBsonDocument(d, new BsonDocumentCodec()).decode(new BsonDocumentCodec());
    }

    /** A pending entry as it comes back from the server: inside a document, through its bytes. */
    private static BsonBinary bytes(BsonBinary packed) {
        return bytes(new BsonDocument("p", packed)).getBinary("p");
    }

    private static <T> T roundTrip(T value, Function<T, BsonDocument> encode, Function<BsonDocument, T> decode) {
        return decode.apply(bytes(encode.apply(value)));
    }

    static LedgerEntry fullEntry() {
        return LedgerEntry.builder()
                .id("op-1#1")
                .seq(7)
                .user("u1")
                .usage(TokenType.PROMPT, -60, Rate.perToken("2.5"))
                .tokenValue(Credits.parse("-150.000001"))
                .context("message")
                .model("gpt-4o")
                .valueKey("gpt-4o")
                .conversationId("conv-1")
                .balance(Credits.parse("849.999999"))
                .createdAt(FINE)
                .promptTokens(10, 20, 30)
                .holdId("hold-1")
                .actor("ops")
                .note("a note")
                .build();
    }

    static LedgerEntry bareEntry() {
        return LedgerEntry.builder()
                .id("startBalance")
                .seq(1)
                .user("u1")
                .tokenType(TokenType.CREDITS)
                .rawAmount(Long.MAX_VALUE)
                .rate(Rate.ZERO)
                .tokenValue(Credits.ofMicros(Long.MIN_VALUE))
                .context("startBalance")
                .balance(Credits.ofMicros(Long.MAX_VALUE))
                .createdAt(BEFORE_EPOCH)
                .build();
    }

    static Hold hold() {
        return new Hold("hold-1", Credits.parse("500.5"), 300, "gpt-4o", FINE, FINE.plusSeconds(1800));
    }

    static WindowUsage usage(boolean capped) {
        return new WindowUsage(
                UsageWindow.WEEKLY,
                "2026-W03",
                Credits.of(250),
                1200,
                capped ? Credits.of(300) : null,
                capped ? 5000L : null,
                WHOLE);
    }

    static BalanceDecision denial() {
        return new BalanceDecision(
                BalanceDecision.Status.DENIED,
                DenialReason.WEEKLY_LIMIT,
                "gpt-4o",
                "gpt-4o",
                Credits.of(1000),
                Credits.of(900),
                Credits.parse("12.000001"),
                400,
                FINE,
                usage(true));
    }

    static BalanceDecision allowance() {
        return new BalanceDecision(
                BalanceDecision.Status.ALLOWED,
                null,
                "free",
                null,
                Credits.ZERO,
                Credits.ZERO,
                Credits.ZERO,
                0,
                null,
                null);
    }

    static AccountState fullAccount() {
        ReceiptRecord receipt = new ReceiptRecord("op-1", 41, 2, Credits.of(5), Credits.of(4));
        return new AccountState(
                "u1",
                Credits.parse("-12.5"),
                true,
                List.of(hold()),
                7,
                List.of(
                        new OperationRecord("op-1", "deduct|u1|gpt-4o", FINE, receipt, null),
                        new OperationRecord(
                                "req-1", "reserve|u1", WHOLE, null, new Reservation(allowance(), hold(), false))),
                List.of(keyBucket(-3), keyBucket(5)),
                42,
                FINE,
                123_456,
                WHOLE,
                "pro",
                FINE,
                3,
                FINE.plusNanos(1),
                List.of(
                        new WindowState(UsageWindow.DAILY, "2026-01-15", 250_000_000, 300, 80),
                        new WindowState(UsageWindow.MONTHLY, "2026-01", -1, 0, 0)),
                RefillOverride.of(new Refill(RefillMode.ADD, 7, RefillUnit.DAYS, Credits.parse("2500.000001"))));
    }

    @Test
    void entry_allFields_roundTripExactly() {
        assertThat(roundTrip(fullEntry(), BsonMapping::entry, BsonMapping::entry))
                .isEqualTo(fullEntry());
    }

    @Test
    void entry_nullsAndExtremes_roundTripExactly() {
        assertThat(roundTrip(bareEntry(), BsonMapping::entry, BsonMapping::entry))
                .isEqualTo(bareEntry());
    }

    @Test
    void entry_usesLibreChatNamesAndExactTypes() {
        BsonDocument d = bytes(BsonMapping.entry(fullEntry()));

        assertThat(d.keySet())
                .containsExactly(
                        "id",
                        "seq",
                        "user",
                        "tokenType",
                        "rawAmount",
                        "rate",
                        "tokenValue",
                        "context",
                        "model",
                        "valueKey",
                        "conversationId",
                        "balance",
                        "createdAt",
                        "createdAtNanos",
                        "inputTokens",
                        "writeTokens",
                        "readTokens",
                        "holdId",
                        "actor",
                        "note");
        assertThat(d.get("tokenType")).isEqualTo(new BsonString("prompt"));
        assertThat(d.get("tokenValue").getBsonType()).isEqualTo(BsonType.INT64);
        assertThat(d.getInt64("tokenValue").getValue()).isEqualTo(-150_000_001L);
        assertThat(d.getInt64("balance").getValue()).isEqualTo(849_999_999L);
        assertThat(d.getInt64("rate").getValue()).isEqualTo(2_500_000_000L);
        assertThat(d.getInt64("rawAmount").getValue()).isEqualTo(-60);
        assertThat(d.getDateTime("createdAt").getValue()).isEqualTo(FINE.toEpochMilli());
        assertThat(d.getInt32("createdAtNanos").getValue()).isEqualTo(456_789);
    }

    @Test
    void entry_absentOptionalText_isLeftOut_andWholeMillisecondHasNoNanosField() {
        LedgerEntry whole = LedgerEntry.builder()
                .id("a#1")
                .seq(1)
                .user("u1")
                .tokenType(TokenType.CREDITS)
                .rawAmount(1)
                .rate(Rate.perToken("1"))
                .tokenValue(Credits.ofMicros(1))
                .context("admin")
                .balance(Credits.ofMicros(1))
                .createdAt(WHOLE)
                .build();

        BsonDocument d = BsonMapping.entry(whole);

        assertThat(d.keySet())
                .doesNotContain("model", "valueKey", "conversationId", "holdId", "actor", "note", "createdAtNanos");
    }

    @Test
    void entry_explicitNulls_readAsAbsent() {
        BsonDocument d = BsonMapping.entry(bareEntry());
        d.put("model", BsonNull.VALUE);
        d.put("note", BsonNull.VALUE);

        assertThat(BsonMapping.entry(d)).isEqualTo(bareEntry());
    }

    @Test
    void pendingEntry_allFields_roundTripExactly_withoutTheUser() {
        BsonBinary pending = BsonMapping.pendingEntry(fullEntry());

        assertThat(BsonMapping.pendingEntry(bytes(pending), "u1")).isEqualTo(fullEntry());
        assertThat(BsonMapping.pendingEntry(
                        bytes(BsonMapping.pendingEntry(bareEntry())),
                        bareEntry().user()))
                .isEqualTo(bareEntry());
        LedgerEntry sameKey = keyEntry("gpt-4o");
        LedgerEntry noKey = LedgerEntry.builder()
                .id("op#2")
                .seq(2)
                .user("u1")
                .usage(TokenType.PROMPT, -5, Rate.perToken("1"))
                .tokenValue(Credits.of(-5))
                .context("message")
                .model("gpt-4o")
                .balance(Credits.ZERO)
                .createdAt(WHOLE)
                .promptTokens(5, 0, 0)
                .build();
        LedgerEntry otherKey = LedgerEntry.builder()
                .id("op#2")
                .seq(2)
                .user("u1")
                .usage(TokenType.COMPLETION, -5, Rate.perToken("1"))
                .tokenValue(Credits.of(-5))
                .context("")
                .model("gpt-4o")
                .valueKey("")
                .balance(Credits.ZERO)
                .createdAt(WHOLE)
                .promptTokens(5, 0, 0)
                .build();
        LedgerEntry keyWithoutModel = LedgerEntry.builder()
                .id("op#2")
                .seq(2)
                .user("u1")
                .tokenType(TokenType.CREDITS)
                .rate(Rate.ZERO)
                .tokenValue(Credits.ZERO)
                .context("refill")
                .valueKey("tier:ünï")
                .balance(Credits.ZERO)
                .createdAt(WHOLE)
                .actor("admin")
                .build();
        for (LedgerEntry e : List.of(sameKey, noKey, otherKey, keyWithoutModel)) {
            assertThat(BsonMapping.pendingEntry(bytes(BsonMapping.pendingEntry(e)), "u1"))
                    .isEqualTo(e);
        }
    }

    @Test
    void pendingEntry_isOneBinaryValue_startingWithFormatSequenceNumberAndId() {
        byte[] packed = BsonMapping.pendingEntry(fullEntry()).getData();

        assertThat(packed[0]).as("format").isEqualTo((byte) PackedEntry.FORMAT);
        assertThat(packed[1]).as("sequence number 7, zigzag").isEqualTo((byte) 14);
        assertThat(packed[2]).as("id length plus one").isEqualTo((byte) (("op-1#1".length() + 1) * 2));
        assertThat(new String(packed, 3, "op-1#1".length(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("op-1#1");
        assertThat(BsonMapping.pendingSeq(BsonMapping.pendingEntry(fullEntry())))
                .isEqualTo(7);
        assertThat(PackedEntry.pack(keyEntry("gpt-4x")).length - PackedEntry.pack(keyEntry("gpt-4o")).length)
                .as("a price key equal to the model is one byte, not its text")
                .isEqualTo("gpt-4x".length());
    }

    private static LedgerEntry keyEntry(String valueKey) {
        return LedgerEntry.builder()
                .id("op#2")
                .seq(2)
                .user("u1")
                .usage(TokenType.PROMPT, -5, Rate.perToken("1"))
                .tokenValue(Credits.of(-5))
                .context("message")
                .model("gpt-4o")
                .valueKey(valueKey)
                .balance(Credits.ZERO)
                .createdAt(WHOLE)
                .promptTokens(5, 0, 0)
                .build();
    }

    @Test
    void pendingEntry_malformedPackedValue_isRefusedNamingTheField() {
        byte[] good = PackedEntry.pack(fullEntry());
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        byte[] otherFormat = good.clone();
        otherFormat[0] = 9;
        byte[] badType = good.clone();
        badType[3 + "op-1#1".length()] = 7;
        byte[] noId = good.clone();
        noId[2] = 0;

        for (byte[] bad : List.of(truncated, trailing, otherFormat, badType, noId)) {
            assertThatThrownBy(() -> BsonMapping.pendingEntry(new BsonBinary(bad), "u1"))
                    .isInstanceOf(BsonMapping.MalformedDocumentException.class)
                    .hasMessageStartingWith("field 'pending' is not a packed ledger entry: ");
        }
        assertThatThrownBy(() -> BsonMapping.pendingEntry(new BsonBinary(otherFormat), "u1"))
                .hasMessage("field 'pending' is not a packed ledger entry: unknown format 9");
        BsonDocument earlierFormat = new BsonDocument(
                "pending",
                new BsonArray(List.of(new BsonDocument("i", new BsonString("op#1"))
                        .append("s", new BsonInt64(1))
                        .append("p", new BsonBinary(new byte[] {1})))));
        assertThatThrownBy(() -> BsonMapping.pending(earlierFormat))
                .isInstanceOf(BsonMapping.MalformedDocumentException.class)
                .hasMessageStartingWith("field 'pending[]' must be binary");
    }

    @Test
    void transaction_addsCompoundIdOfUserAndEntryId() {
        BsonDocument tx = BsonMapping.transaction(BsonMapping.pendingEntry(fullEntry()), "u1");

        assertThat(tx.getFirstKey()).isEqualTo("_id");
        assertThat(tx.getDocument("_id"))
                .isEqualTo(new BsonDocument("u", new BsonString("u1")).append("e", new BsonString("op-1#1")));
        assertThat(BsonMapping.entry(bytes(tx))).isEqualTo(fullEntry());
    }

    @Test
    void hold_roundTrips() {
        assertThat(roundTrip(hold(), BsonMapping::hold, BsonMapping::hold)).isEqualTo(hold());
        assertThat(BsonMapping.hold(hold()).getInt64("amount").getValue()).isEqualTo(500_500_000L);
    }

    static KeyBucket keyBucket(long bucket) {
        byte[] bits = new byte[KeyBucket.BYTES];
        bits[0] = 1;
        bits[KeyBucket.BYTES - 1] = (byte) 0x80;
        bits[17] = (byte) bucket;
        return new KeyBucket(bucket, bits);
    }

    @Test
    void keyBucket_roundTripsAsBinaryOfItsSize() {
        KeyBucket k = keyBucket(19_000);

        assertThat(roundTrip(k, BsonMapping::keyBucket, BsonMapping::keyBucket)).isEqualTo(k);
        assertThat(BsonMapping.keyBucket(k).getBinary("bits").getData()).hasSize(KeyBucket.BYTES);
    }

    @Test
    void account_writtenBeforeHoldNumbers_readsWithoutClosedHolds() {
        BsonDocument doc = AccountUpdates.accountFields(fullAccount());
        doc.put("_id", new org.bson.BsonString("u1"));
        doc.remove("lastHoldSeq");
        doc.put("closedHolds", new org.bson.BsonArray(List.of(new BsonDocument("id", new org.bson.BsonString("h0")))));

        AccountState read = BsonMapping.account(doc);

        assertThat(read.lastHoldSeq()).isZero();
        assertThat(read.holds()).isEqualTo(fullAccount().holds());
    }

    @ParameterizedTest
    @EnumSource(UsageWindow.class)
    void windows_everyWindowAndExtremeValue_roundTripAsOnePackedValue(UsageWindow window) {
        List<WindowState> ws = List.of(
                new WindowState(window, "këy", Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE),
                new WindowState(window, "", 0, 0, 0),
                new WindowState(UsageWindow.MONTHLY, "2026-12", 755_250_000_000L, 151_050, 80));
        BsonDocument doc = new BsonDocument("windows", BsonMapping.windows(ws));

        assertThat(doc.get("windows").isBinary()).isTrue();
        assertThat(BsonMapping.windows(bytes(doc))).isEqualTo(ws);
        assertThat(BsonMapping.windows(new BsonDocument())).isEmpty();
    }

    @Test
    void account_asAnEarlierSnapshotWroteIt_holdsAndWindowsAsSubdocuments_stillReads() {
        BsonDocument doc = new BsonDocument("_id", new BsonString("u1"));
        doc.putAll(AccountUpdates.accountFields(fullAccount()));
        BsonArray windows = new BsonArray();
        for (WindowState w : fullAccount().windows()) {
            BsonDocument old = new BsonDocument(
                            "w", new BsonString(w.window().name().toLowerCase(java.util.Locale.ROOT)))
                    .append("k", new BsonString(w.key()))
                    .append("s", new BsonInt64(w.spentMicros()))
                    .append("t", new BsonInt64(w.tokens()));
            if (w.notifiedPercent() != 0) {
                old.append("n", new BsonInt32(w.notifiedPercent()));
            }
            windows.add(old);
        }
        doc.put("windows", windows);
        BsonArray holds = new BsonArray();
        for (Hold h : fullAccount().holds()) {
            holds.add(BsonMapping.hold(h));
        }
        holds.add(BsonMapping.packedHold(hold()));
        doc.put("holds", holds);

        AccountState read = BsonMapping.account(bytes(doc));

        assertThat(read.windows()).isEqualTo(fullAccount().windows());
        assertThat(read.holds()).containsExactly(fullAccount().holds().get(0), hold());
        assertThatThrownBy(() -> BsonMapping.account(bytes(doc.append("windows", new BsonString("x")))))
                .isInstanceOf(BsonMapping.MalformedDocumentException.class)
                .hasMessage("field 'windows' must be binary (packed usage windows), was string");
    }

    @Test
    void windows_theDaysUsage_packsIntoAFewBytesPerWindow() {
        List<WindowState> ws = List.of(
                new WindowState(UsageWindow.DAILY, "2026-12-02", 755_250_000_000L, 151_050, 0),
                new WindowState(UsageWindow.WEEKLY, "2026-W49", 755_250_000_000L, 151_050, 0),
                new WindowState(UsageWindow.MONTHLY, "2026-12", 755_250_000_000L, 151_050, 0));

        assertThat(PackedWindows.pack(ws)).hasSize(1 + 3 * (1 + 1 + 6 + 3 + 1) + 10 + 8 + 7);
    }

    @Test
    void windows_malformed_areRefusedNamingTheField() {
        byte[] good = PackedWindows.pack(List.of(new WindowState(UsageWindow.DAILY, "2026-12-02", 5, 1, 0)));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        byte[] otherFormat = good.clone();
        otherFormat[0] = 7;
        byte[] badWindow = good.clone();
        badWindow[1] = 3;
        byte[] noKey = good.clone();
        noKey[2] = 0;

        for (byte[] bad : List.of(truncated, otherFormat, badWindow, noKey)) {
            assertThatThrownBy(() -> BsonMapping.windows(new BsonDocument("windows", new BsonBinary(bad))))
                    .isInstanceOf(BsonMapping.MalformedDocumentException.class)
                    .hasMessageStartingWith("field 'windows' is not packed usage windows: ");
        }
        assertThatThrownBy(() -> BsonMapping.windows(new BsonDocument("windows", new BsonInt64(3))))
                .isInstanceOf(BsonMapping.MalformedDocumentException.class)
                .hasMessage("field 'windows' must be binary (packed usage windows), was int64");
    }

    @Test
    void windowUsage_withAndWithoutCaps_roundTrips() {
        assertThat(roundTrip(usage(true), BsonMapping::windowUsage, BsonMapping::windowUsage))
                .isEqualTo(usage(true));
        assertThat(roundTrip(usage(false), BsonMapping::windowUsage, BsonMapping::windowUsage))
                .isEqualTo(usage(false));
    }

    @ParameterizedTest
    @EnumSource(DenialReason.class)
    void decision_everyDenialReason_roundTrips(DenialReason reason) {
        BalanceDecision d = new BalanceDecision(
                BalanceDecision.Status.DENIED,
                reason,
                "m",
                null,
                Credits.of(1),
                Credits.of(1),
                Credits.of(2),
                3,
                null,
                null);

        assertThat(roundTrip(d, BsonMapping::decision, BsonMapping::decision)).isEqualTo(d);
    }

    @Test
    void decision_allFieldsAndAllNulls_roundTrip() {
        assertThat(roundTrip(denial(), BsonMapping::decision, BsonMapping::decision))
                .isEqualTo(denial());
        assertThat(roundTrip(allowance(), BsonMapping::decision, BsonMapping::decision))
                .isEqualTo(allowance());
        BalanceDecision fallback = new BalanceDecision(
                BalanceDecision.Status.FALLBACK,
                null,
                "free",
                "free",
                Credits.of(1),
                Credits.of(1),
                Credits.ZERO,
                1,
                WHOLE,
                null);
        assertThat(roundTrip(fallback, BsonMapping::decision, BsonMapping::decision))
                .isEqualTo(fallback);
    }

    @Test
    void reservation_withHoldAndDenied_roundTrip() {
        Reservation allowed = new Reservation(allowance(), hold(), false);
        Reservation denied = new Reservation(denial(), null, true);

        assertThat(roundTrip(allowed, BsonMapping::reservation, BsonMapping::reservation))
                .isEqualTo(allowed);
        assertThat(roundTrip(denied, BsonMapping::reservation, BsonMapping::reservation))
                .isEqualTo(denied);
    }

    @Test
    void receipt_roundTrips() {
        ReceiptRecord r = new ReceiptRecord("op-1", Long.MAX_VALUE - 1, 2, Credits.of(-1), Credits.of(-2));
        ReceiptRecord empty = new ReceiptRecord("op-2", 0, 0, Credits.ZERO, Credits.ZERO);

        assertThat(roundTrip(r, BsonMapping::receipt, BsonMapping::receipt)).isEqualTo(r);
        assertThat(roundTrip(empty, BsonMapping::receipt, BsonMapping::receipt)).isEqualTo(empty);
    }

    @Test
    void operation_withReceiptAndWithReservation_roundTrip() {
        for (OperationRecord o : fullAccount().operations()) {
            assertThat(roundTrip(o, BsonMapping::operation, BsonMapping::operation))
                    .isEqualTo(o);
        }
    }

    @Test
    void account_allFields_roundTripExactly() {
        BsonDocument doc = new BsonDocument("_id", new BsonString("u1"));
        doc.putAll(AccountUpdates.accountFields(fullAccount()));

        assertThat(BsonMapping.account(bytes(doc))).isEqualTo(fullAccount());
    }

    @Test
    void account_empty_leavesOutNullsEmptyListsAndZeros_andRoundTrips() {
        AccountState empty = AccountState.empty("u1", WHOLE);
        BsonDocument doc = new BsonDocument("_id", new BsonString("u1"));
        doc.putAll(AccountUpdates.accountFields(empty));

        assertThat(doc.keySet())
                .doesNotContain(
                        "lastTransactionAt",
                        "tier",
                        "refillAnchor",
                        "lastRefill",
                        "refillPeriod",
                        "lastHoldSeq",
                        "holds",
                        "operations",
                        "recentKeys",
                        "windows");
        assertThat(doc.keySet()).contains("user", "balance", "funded", "lastSeq", "totalTokens", "createdAt");
        assertThat(BsonMapping.account(bytes(doc))).isEqualTo(empty);
    }

    @Test
    void account_refillOverride_isASubDocumentWithExactMicros_andADisabledOneWithoutSettingsRoundTrips() {
        BsonDocument doc = AccountUpdates.accountFields(fullAccount());
        assertThat(doc.getDocument("refillOverride"))
                .isEqualTo(BsonDocument.parse(
                        "{enabled: true, mode: 'add', intervalValue: {$numberLong: '7'}, intervalUnit: 'days',"
                                + " amount: {$numberLong: '2500000001'}}"));

        AccountState disabled = fullAccount().withRefillOverride(new RefillOverride(false, null));
        BsonDocument d = new BsonDocument("_id", new BsonString("u1"));
        d.putAll(AccountUpdates.accountFields(disabled));
        assertThat(BsonMapping.account(bytes(d))).isEqualTo(disabled);
    }

    @Test
    void account_refillOverrideWithAnUnknownUnit_isMalformed_namingTheField() {
        BsonDocument doc = new BsonDocument("_id", new BsonString("u1"));
        doc.putAll(AccountUpdates.accountFields(fullAccount()));
        doc.getDocument("refillOverride").put("intervalUnit", new BsonString("fortnights"));

        assertThatThrownBy(() -> BsonMapping.account(doc))
                .isInstanceOf(BsonMapping.MalformedDocumentException.class)
                .hasMessage(
                        "field 'refillOverride' is not a refill: refillIntervalUnit must be one of seconds, minutes,"
                                + " hours, days, weeks, months, was 'fortnights'");
    }

    @Test
    void account_hasEveryStateFieldAtTopLevel() {
        BsonDocument doc = AccountUpdates.accountFields(fullAccount());

        assertThat(doc.keySet())
                .contains(
                        "user",
                        "balance",
                        "funded",
                        "holds",
                        "lastHoldSeq",
                        "operations",
                        "recentKeys",
                        "lastSeq",
                        "lastTransactionAt",
                        "totalTokens",
                        "createdAt",
                        "tier",
                        "refillAnchor",
                        "refillPeriod",
                        "lastRefill",
                        "windows",
                        "refillOverride");
        assertThat(doc.get("balance").getBsonType()).isEqualTo(BsonType.INT64);
        assertThat(doc.get("lastTransactionAt").getBsonType()).isEqualTo(BsonType.DATE_TIME);
        assertThat(doc.keySet()).as("no list of closed holds").doesNotContain("closedHolds");
    }

    @Test
    void money_storedAsDouble_isRefusedNotRounded() {
        BsonDocument d = BsonMapping.entry(fullEntry());
        d.put("tokenValue", new BsonDouble(-150.000001));

        assertThatThrownBy(() -> BsonMapping.entry(d))
                .isInstanceOf(BsonMapping.MalformedDocumentException.class)
                .hasMessage("field 'tokenValue' must be an integer (Int64), was double");
    }

    @Test
    void malformedDocuments_nameTheField() {
        BsonDocument missing = BsonMapping.entry(fullEntry());
        missing.remove("user");
        BsonDocument badNanos = BsonMapping.hold(hold());
        badNanos.put("expiresAtNanos", new BsonInt32(1_000_000));
        BsonDocument int32Money = BsonMapping.hold(hold());
        int32Money.put("amount", new BsonInt32(5));

        assertThatThrownBy(() -> BsonMapping.entry(missing)).hasMessage("field 'user' is missing");
        assertThatThrownBy(() -> BsonMapping.hold(badNanos))
                .hasMessage("field 'expiresAtNanos' must be 0 to 999999, was 1000000");
        assertThat(BsonMapping.hold(int32Money).amount()).isEqualTo(Credits.ofMicros(5));
    }
}
