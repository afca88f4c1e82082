"""The benchmark scenarios, one module each (found by sessionkit.bench.registry)."""
