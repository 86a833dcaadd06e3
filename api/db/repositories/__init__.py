"""One repository per kind of record: datasets, runs, scenarios, API keys, the audit trail and
idempotent replies. Each opens its own short sessions and returns frozen records."""
