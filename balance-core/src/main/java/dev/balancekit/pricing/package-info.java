/**
 * Prices: rates in exact credits per token, the price table with LibreChat's model-name matching, and the pricing of a usage into the prompt and completion lines LibreChat would record. The built-in table ships as a data file in this package's resources.
 */
@NullMarked
package dev.balancekit.pricing;

import org.jspecify.annotations.NullMarked;
