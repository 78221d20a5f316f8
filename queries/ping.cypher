// Readiness probe. Returns: ok = 1.
RETURN 1 AS ok
