/** BalanceKit's usage reports: charts and a self-contained HTML page. */
module dev.balancekit.report {
    requires transitive dev.balancekit.core;
    requires org.jfree.jfreechart;
    requires org.jfree.svg;
    requires java.desktop;
    requires static org.jspecify;

    exports dev.balancekit.report;
}
