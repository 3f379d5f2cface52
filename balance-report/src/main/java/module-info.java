/**
 * BalanceKit's usage reports: charts and a self-contained HTML page. JFreeChart is an automatic
 * module with a stable name (its manifest's {@code Automatic-Module-Name}).
 */
@SuppressWarnings("requires-automatic")
module dev.balancekit.report {
    requires transitive dev.balancekit.core;
    requires org.jfree.jfreechart;
    requires org.jfree.svg;
    requires java.desktop;

    exports dev.balancekit.report;
}
