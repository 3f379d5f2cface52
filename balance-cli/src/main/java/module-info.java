/** BalanceKit's command line, {@code balance}: an application, it exports nothing. */
module dev.balancekit.cli {
    requires dev.balancekit.core;
    requires dev.balancekit.yaml;
    requires dev.balancekit.mongo;
    requires dev.balancekit.report;
    requires info.picocli;
    requires tools.jackson.core;
    requires tools.jackson.databind;
    requires org.apache.commons.csv;
    requires java.logging;

    // picocli reads the commands' annotated fields and methods reflectively
    opens dev.balancekit.cli to
            info.picocli;
}
