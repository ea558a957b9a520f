"""Small framework-light helpers shared across apps; each module says what it may import."""
