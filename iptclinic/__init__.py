"""IPT Clinic: a clinical system for delivering Interpersonal Psychotherapy."""
