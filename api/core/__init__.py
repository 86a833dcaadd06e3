"""What every route shares: authentication, problem details, middleware, metrics, logging,
the OpenAPI document, API keys and the per-application dependencies."""
