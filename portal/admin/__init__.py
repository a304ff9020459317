"""Coordinators' tools: people, the audit log."""
