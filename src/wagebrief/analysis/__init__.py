"""Numbers and frames, no sentences: contract metrics, trends and backtests, market position, comparables, costing."""
