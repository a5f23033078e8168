"""Custom import-linter contract types for bantin (see `contracts.allowlist`)."""
