"""Append-only audit log of every view of, and change to, a client's record."""
