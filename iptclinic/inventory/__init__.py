"""Interpersonal inventory, closeness circle, timeline, focus and formulation."""
