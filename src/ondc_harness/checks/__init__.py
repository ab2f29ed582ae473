"""Checks: JSON Schema validation and business rules, shared by live runs and offline logs."""
