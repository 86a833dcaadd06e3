"""Questions asked of a finished plan: explanations, fairness, scenarios and comparisons."""
