"""The service user's own pages."""
