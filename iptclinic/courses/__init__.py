"""The course of IPT: contract, weekly appointments, attendance and session records."""
