"""ONDC conformance harness."""
