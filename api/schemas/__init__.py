"""Request and response bodies (DTOs), one module per resource, apart from the domain and the
storage records."""
