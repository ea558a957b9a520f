"""Questionnaires, risk alerts and charts."""
