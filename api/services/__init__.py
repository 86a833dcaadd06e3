"""What the routes do, as plain functions of the store, the run pool and the request's DTOs."""
