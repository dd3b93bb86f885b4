/**
 * The static HTML report built from the outputs of analytics jobs: its entry point
 * ({@link io.sluice.spark.report.ReportBuilder}), options ({@link io.sluice.spark.report.ReportOptions},
 * {@link io.sluice.spark.report.ReportConfig}), the data it shows
 * ({@link io.sluice.spark.report.ReportData}) and the optional screenshot.
 */
package io.sluice.spark.report;
