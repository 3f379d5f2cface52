/**
 * The admin usage report: {@link dev.balancekit.report.AdminReports} assembles it from a ledger's
 * usage reports (spending per day and model, top users and models, the requested table, users about
 * to run dry), {@link dev.balancekit.report.HtmlReport} renders it as one self-contained HTML file
 * with inline SVG charts drawn by JFreeChart, and {@link dev.balancekit.report.ReportJson} as JSON.
 */
@NullMarked
package dev.balancekit.report;

import org.jspecify.annotations.NullMarked;
