"""The ending of a course of IPT: the final sessions' record, or the shorter record of an early end."""
