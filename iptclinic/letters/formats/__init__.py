"""Converters that turn one letter into the formats people need.

Plain functions over strings and bytes, with no Django import: ``pdf`` (HTML to standard and
large-print PDF), ``plaintext`` (HTML to text for screen readers and email), ``braille`` (text
to BRF), ``audio`` (text to speech as WAV and MP3) and ``pictograms`` (easy-read symbols). Each
converter checks its system tool first and raises ``tools.FormatToolMissing`` naming the Debian
package to install (decisions.md §30).
"""
